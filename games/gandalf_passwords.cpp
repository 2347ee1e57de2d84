#include "games/gandalf_passwords.h"

namespace gauntlet::games {

const std::vector<std::string>& gandalf_passwords() {
  static const std::vector<std::string> kWords = {
      "sunflower", "lighthouse", "avalanche", "butterfly", "cathedral", "dragonfly", "evergreen", "fireplace",
      "gondola",   "harmonica", "iceberg",   "jellyfish", "kangaroo",  "labyrinth", "marigold",  "nightfall",
      "orchestra", "pineapple", "quicksand", "raspberry", "saxophone", "telescope", "umbrella",  "volcano",
      "waterfall", "blueprint", "crocodile", "dandelion", "eclipse",   "flamingo",  "galaxy",    "horizon",
      "island",    "juniper",   "kingfisher", "lantern",  "meadow",    "nutmeg",    "octopus",   "pebble",
      "quartz",    "riverbank", "sandstone", "thunder",   "unicorn",   "velvet",    "walnut",    "yearling",
      "zeppelin",  "albatross", "biscuit",   "compass",   "driftwood", "emerald",   "falcon",    "glacier",
      "hammock",   "ivory",     "jasmine",   "kettle",    "lemonade",  "mosaic",    "nectar",    "orchid",
      "parchment", "quiver",    "rosemary",  "saffron",   "tapestry",  "turquoise", "vineyard",  "windmill",
      "blizzard",  "cinnamon",  "dolphin",   "ember",     "fountain",  "granite",   "hazelnut",  "icicle",
      "jigsaw",    "keystone",  "lavender",  "magnolia",  "nomad",     "oasis",     "paddle",    "riddle",
      "scarecrow", "tornado",   "voyage",    "whistle",   "canyon",    "peppermint", "sparrow",  "treasure"};
  return kWords;
}

}  // namespace gauntlet::games
