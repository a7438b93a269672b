// jemalloc reads this symbol when it starts (jemalloc(3), "malloc_conf"). One arena: incident mode renders on an extra
// thread, and with an arena per thread the memory one thread allocated and another freed stayed mapped, raising the
// peak RSS over 1M alerts from about 75 to 100-113 MiB. The threads' own caches still serve most allocations, so
// plain analysis runs as fast (docs/performance.md).
#include "allocator_settings.h"

const char *malloc_conf = "narenas:1";

int falconer_allocator_settings_linked(void) { return 1; }
