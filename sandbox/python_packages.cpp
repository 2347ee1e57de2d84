#include "sandbox/python_packages.h"

#include <filesystem>

#include "sandbox/sandbox_error.h"

namespace gauntlet::sandbox {
namespace {

namespace fs = std::filesystem;

bool is_identifier(const std::string& name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> python_site_directories(const std::string& python) {
  std::error_code ec;
  fs::path real = fs::canonical(python, ec);
  if (ec) throw SandboxError("sandbox: interpreter " + python + " not found: " + ec.message());
  std::string version = real.filename().string();  // python3.11
  fs::path prefix = real.parent_path().parent_path();
  return {(prefix / "local" / "lib" / version / "dist-packages").string(),
          (prefix / "lib" / "python3" / "dist-packages").string(),
          (prefix / "lib" / version / "dist-packages").string(),
          (prefix / "lib" / version / "site-packages").string()};
}

std::vector<PythonPackage> find_python_packages(const std::string& python, const std::vector<std::string>& names) {
  std::vector<std::string> sites = python_site_directories(python);
  std::vector<PythonPackage> found;
  for (const auto& name : names) {
    if (!is_identifier(name))
      throw SandboxError("sandbox: package name '" + name + "' is not a top-level Python module name");
    bool seen = false;
    for (const auto& site : sites) {
      fs::path dir = fs::path(site) / name;
      fs::path module = fs::path(site) / (name + ".py");
      if (fs::is_regular_file(dir / "__init__.py")) {
        found.push_back({name, fs::canonical(dir).string(), true, site});
      } else if (fs::is_regular_file(module)) {
        found.push_back({name, fs::canonical(module).string(), false, site});
      } else {
        continue;
      }
      seen = true;
      break;
    }
    if (!seen) {
      std::string searched;
      for (const auto& site : sites) searched += (searched.empty() ? "" : ", ") + site;
      throw SandboxError("sandbox: Python package '" + name + "' not found for " + python + " (searched " + searched +
                         "); install it, e.g. the Debian package python3-" + name);
    }
  }
  return found;
}

}  // namespace gauntlet::sandbox
