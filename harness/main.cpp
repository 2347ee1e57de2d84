// gauntlet: the thin executable; everything lives in gauntlet_harness.
#include "harness/cli/cli.h"

int main(int argc, char** argv) { return gauntlet::harness::run_cli(argc, argv); }
