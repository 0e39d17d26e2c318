using System.Runtime.CompilerServices;

namespace SettingControl.Integration.Tests.Infrastructure;

internal static class TestHostSetup
{
    /// <summary>
    /// The test host blocks thread-pool threads while it starts up; on a two-core machine that starves
    /// the pool for most of a second, during which in-process devices and hosts cannot run. A higher
    /// minimum keeps the pool responsive; the product code itself never blocks.
    /// </summary>
    [ModuleInitializer]
    internal static void KeepThreadPoolResponsive()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
