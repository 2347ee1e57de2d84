#pragma once
// Third-party Python packages a sandbox exposes to its jobs (e.g. sympy for symbolic math):
// found by name in the interpreter's site directories on the host, so the worker's read-only view
// can bind exactly those packages and nothing else of the host's site-packages.
#include <string>
#include <vector>

namespace gauntlet::sandbox {

struct PythonPackage {
  std::string name;       // the top-level import name, e.g. "sympy"
  std::string host_path;  // the package directory (or single-module .py file) on the host, resolved
  bool is_directory = true;
  std::string site;       // the site directory it was found in
};

// The site directories searched for `python` (a real interpreter path such as /usr/bin/python3.11,
// prefix /usr), in the order its own sys.path would list them: prefix/local/lib/python3.X/dist-packages,
// prefix/lib/python3/dist-packages, prefix/lib/python3.X/dist-packages, prefix/lib/python3.X/site-packages.
std::vector<std::string> python_site_directories(const std::string& python);

// Each name as a package directory (NAME/__init__.py) or a module file (NAME.py) in the first site
// directory that has it. Throws SandboxError naming the package and every directory searched when
// one is missing, or when a name is not a plain top-level identifier.
std::vector<PythonPackage> find_python_packages(const std::string& python, const std::vector<std::string>& names);

}  // namespace gauntlet::sandbox
