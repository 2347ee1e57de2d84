#include "harness/store/store.h"

namespace gauntlet::harness {

Store::Store(const std::filesystem::path& path)
    : Database(path),
      RunStore(database()),
      DefinitionStore(database()),
      SampleStore(database()),
      MatchStore(database()),
      SelfPlayStore(database(), *this),
      ResponseCacheStore(database()),
      WriterLockStore(database()) {}

}  // namespace gauntlet::harness
