#if canImport(Glibc)
import Glibc
#endif

/// glibc's per-thread cache of freed blocks keeps seven of each size. A page of 50
/// clients frees thousands of small blocks of a few sizes at once, and what the cache
/// cannot hold goes glibc's slow way (`_int_free`, bins, consolidation): 9–10 % of the
/// client list's CPU at a million clients, 5 % with room for 256 a size, which keeps
/// about 12 MB more after a load (1,024 kept 26 MB more for no gain that showed;
/// docs/performance.md, fourteenth pass). glibc takes that setting only from the
/// environment as a process starts, so the command starts itself again, once, with it
/// set. An operator's own `GLIBC_TUNABLES` is left as it is.
enum AllocatorTuning {
    static let tunables = "glibc.malloc.tcache_count=256"

    static func restartIfUntuned() {
        #if canImport(Glibc)
        guard getenv("GLIBC_TUNABLES") == nil else { return }
        setenv("GLIBC_TUNABLES", tunables, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when the restart failed (no /proc): glibc's defaults, and no
        // setting handed on to child processes that this process does not have.
        unsetenv("GLIBC_TUNABLES")
        #endif
    }
}
