using System.Runtime.InteropServices;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// Plays to an ALSA PCM device through libasound.so.2 (Debian's libasound2): snd_pcm_open,
/// snd_pcm_set_params (float, interleaved, ~200 ms latency), snd_pcm_writei. A device that cannot be
/// opened (no sound card, busy, no libasound) leaves the output "unavailable: …" and the room playing
/// silently on its clock; opening is retried every <see cref="RetryAfter"/> of rendered time.
/// Blocking writes: when the card's buffer is full, the card's own clock paces the engine.
/// </summary>
public sealed partial class AlsaOutput : IAudioOutput
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    private const int StreamPlayback = 0;
    private const int FormatFloatLe = 14;
    private const int AccessRwInterleaved = 3;
    private const uint LatencyMicroseconds = 200_000;

    private readonly string _device;
    private readonly WaveFormat _format;
    private IntPtr _pcm;
    private long _framesUntilRetry;
    private string _state = "unavailable: not opened yet";
    private bool _refused;

    public AlsaOutput(string device, WaveFormat format)
    {
        _device = device;
        _format = format;
        Description = $"alsa:{device}";

        // AudioOutputRules decides which names staff may use; this guard holds whoever constructs the
        // output: a name that could define a plugin (file, pipe, inline definition) never reaches snd_pcm_open.
        if (AlsaDeviceName.AlwaysRefused(device) is { } refusal)
        {
            _state = RefusedOutput.StateOf(refusal);
            _refused = true;
            return;
        }

        TryOpen();
    }

    /// <summary>
    /// The PCM names ALSA's configuration lists (snd_device_name_hint: <c>null</c>, <c>default</c>,
    /// <c>sysdefault:CARD=…</c>, <c>front:CARD=…,DEV=0</c> …); empty when libasound is missing.
    /// </summary>
    public static IReadOnlyCollection<string> ListDevices()
    {
        var names = new List<string>();
        try
        {
            if (snd_device_name_hint(-1, "pcm", out var hints) < 0 || hints == IntPtr.Zero)
            {
                return names;
            }

            try
            {
                for (var i = 0; Marshal.ReadIntPtr(hints, i * IntPtr.Size) is var hint && hint != IntPtr.Zero; i++)
                {
                    var name = snd_device_name_get_hint(hint, "NAME");
                    if (name != IntPtr.Zero)
                    {
                        names.Add(Marshal.PtrToStringUTF8(name) ?? string.Empty);
                        free(name);
                    }
                }
            }
            finally
            {
                snd_device_name_free_hint(hints);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libasound: nothing is listed, and the allow-list alone decides.
        }

        return names;
    }

    public string Description { get; }

    public string State => _state;

    public void Write(ReadOnlySpan<float> samples)
    {
        var frames = samples.Length / _format.Channels;
        if (_refused)
        {
            return;
        }

        if (_pcm == IntPtr.Zero)
        {
            _framesUntilRetry -= frames;
            if (_framesUntilRetry > 0 || !TryOpen())
            {
                return;
            }
        }

        var offset = 0;
        while (offset < frames)
        {
            long written;
            unsafe
            {
                fixed (float* p = samples[(offset * _format.Channels)..])
                {
                    written = (long)snd_pcm_writei(_pcm, p, (nuint)(frames - offset));
                }
            }

            if (written < 0)
            {
                // Underrun (-EPIPE) or suspend: recover and carry on; anything else closes the device.
                if (snd_pcm_recover(_pcm, (int)written, 1) < 0)
                {
                    Fail($"write failed: {Error((int)written)}");
                    return;
                }

                continue;
            }

            offset += (int)written;
        }
    }

    public void Dispose() => Close();

    private bool TryOpen()
    {
        try
        {
            var rc = snd_pcm_open(out _pcm, _device, StreamPlayback, 0);
            if (rc < 0)
            {
                _pcm = IntPtr.Zero;
                Fail($"cannot open ALSA device '{_device}': {Error(rc)}");
                return false;
            }

            rc = snd_pcm_set_params(_pcm, FormatFloatLe, AccessRwInterleaved, (uint)_format.Channels, (uint)_format.SampleRate, 1, LatencyMicroseconds);
            if (rc < 0)
            {
                Fail($"ALSA device '{_device}' refused {_format}: {Error(rc)}");
                return false;
            }

            _state = "ok";
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _pcm = IntPtr.Zero;
            Fail($"libasound.so.2 is not installed (apt-get install libasound2): {ex.Message}");
            return false;
        }
    }

    private void Fail(string reason)
    {
        _state = $"unavailable: {reason}";
        Close();
        _framesUntilRetry = _format.FramesOf(RetryAfter);
    }

    private void Close()
    {
        if (_pcm != IntPtr.Zero)
        {
            snd_pcm_close(_pcm);
            _pcm = IntPtr.Zero;
        }
    }

    private static string Error(int code)
    {
        try
        {
            return Marshal.PtrToStringUTF8(snd_strerror(code)) ?? $"error {code}";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"error {code}";
        }
    }

    private const string Library = "libasound.so.2";

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int snd_pcm_open(out IntPtr pcm, string name, int stream, int mode);

    [LibraryImport(Library)]
    private static partial int snd_pcm_set_params(IntPtr pcm, int format, int access, uint channels, uint rate, int softResample, uint latencyMicroseconds);

    [LibraryImport(Library)]
    private static unsafe partial nint snd_pcm_writei(IntPtr pcm, float* buffer, nuint frames);

    [LibraryImport(Library)]
    private static partial int snd_pcm_recover(IntPtr pcm, int error, int silent);

    [LibraryImport(Library)]
    private static partial int snd_pcm_close(IntPtr pcm);

    [LibraryImport(Library)]
    private static partial IntPtr snd_strerror(int error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int snd_device_name_hint(int card, string iface, out IntPtr hints);

    /// <summary>Returns a string allocated with malloc, freed with <see cref="free"/>.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr snd_device_name_get_hint(IntPtr hint, string id);

    [LibraryImport(Library)]
    private static partial int snd_device_name_free_hint(IntPtr hints);

    [LibraryImport("libc.so.6")]
    private static partial void free(IntPtr pointer);
}
