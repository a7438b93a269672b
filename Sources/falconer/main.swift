import App
import CAllocatorSettings

// Keeps jemalloc's settings (CAllocatorSettings) in the executable.
_ = falconer_allocator_settings_linked()
await CommandLineTool.main()
