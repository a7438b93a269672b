#ifndef FALCONER_ALLOCATOR_SETTINGS_H
#define FALCONER_ALLOCATOR_SETTINGS_H
/// Settings for the jemalloc the executable links (see allocator_settings.c).
extern const char *malloc_conf;
/// Referenced by the executable so the linker keeps the settings.
int falconer_allocator_settings_linked(void);
#endif
