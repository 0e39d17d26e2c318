namespace SettingControl.Testing;

/// <summary>
/// Waits for an outcome a user would see, with a generous deadline: tests assert what happens, not
/// how fast (speed belongs in the benchmarks).
/// </summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                last = ex;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for: {what}", last);
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Polls until <paramref name="read"/> gives a value <paramref name="done"/> accepts, and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        T value = default!;
        await TrueAsync(async () => done(value = await read()), timeout, what);
        return value;
    }
}
