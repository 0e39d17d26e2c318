using System.Runtime.CompilerServices;

namespace SettingControl.FirmwareSim.Tests;

internal static class TestHostSetup
{
    /// <summary>
    /// The test host blocks thread-pool threads while it starts up. On a 2-core machine that starves the pool for up
    /// to a second (measured: one 600–900 ms stall about 1 s after load, every run), and a device's 100 ms fade ticks
    /// cannot run meanwhile, so a 1 s fade would report almost nothing. The device code itself never blocks; a higher
    /// minimum only keeps the pool responsive through the host's start-up.
    /// </summary>
    [ModuleInitializer]
    internal static void KeepThreadPoolResponsive()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
