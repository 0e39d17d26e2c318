using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Sources;

/// <summary>Where Debian's ffmpeg and ffprobe are; a bogus path gives a clear "not available" error, never a hang.</summary>
public sealed record FfmpegTools(string FfmpegPath = "ffmpeg", string FfprobePath = "ffprobe")
{
    public const string InstallHint = "install Debian's ffmpeg (apt-get install ffmpeg) or set Audio:FfmpegPath";

    private int _available; // 0 unknown, 1 yes, -1 no (checked once: the answer does not change while we run)
    private string _unavailableReason = string.Empty;

    /// <summary>Null when ffmpeg runs; otherwise why not, in words staff can act on.</summary>
    public string? Unavailable()
    {
        if (_available == 0)
        {
            try
            {
                using var process = Process.Start(Info(FfmpegPath, "-hide_banner", "-version"))!;
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                _available = process.ExitCode == 0 ? 1 : -1;
                _unavailableReason = $"ffmpeg at '{FfmpegPath}' exited with code {process.ExitCode}; {InstallHint}";
            }
            catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
            {
                _available = -1;
                _unavailableReason = NotFound(ex);
            }
        }

        return _available == 1 ? null : _unavailableReason;
    }

    internal string NotFound(Exception ex) => $"ffmpeg is not available at '{FfmpegPath}' ({ex.Message}); {InstallHint}";

    /// <summary>A compressed file's length from ffprobe, or an error message.</summary>
    public (double? Seconds, string? Error) ProbeSeconds(string path)
    {
        if (Unavailable() is { } reason)
        {
            return (null, reason);
        }

        try
        {
            using var process = Process.Start(Info(FfprobePath, "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path))!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0 && double.TryParse(output.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return (seconds, null);
            }

            return (null, $"unreadable: {FirstLine(error) ?? "ffprobe found no duration"}");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            return (null, $"ffprobe is not available at '{FfprobePath}' ({ex.Message}); {InstallHint}");
        }
    }

    /// <summary>The sample rate of a file's first audio stream from ffprobe, or an error message.</summary>
    public (int? SampleRate, string? Error) ProbeSampleRate(string path)
    {
        try
        {
            using var process = Process.Start(Info(FfprobePath, "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate", "-of", "default=nw=1:nk=1", path))!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0 && int.TryParse(output.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rate) && rate is >= 8_000 and <= 384_000)
            {
                return (rate, null);
            }

            return (null, FirstLine(error) ?? "no audio");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            return (null, $"ffprobe is not available at '{FfprobePath}' ({ex.Message}); {InstallHint}");
        }
    }

    internal static ProcessStartInfo Info(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    internal static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}

/// <summary>
/// Decodes what the in-process decoders do not (FLAC, Opus, anything else ffmpeg reads) through Debian's ffmpeg as a
/// subprocess streaming raw 32-bit float PCM on stdout, turned into samples by NAudio's converter. Always
/// stereo; the rate is the file's own (asked of ffprobe first; the chain's resampler converts).
/// </summary>
public sealed class FfmpegDecoder : ISampleProvider, IDisposable
{
    private readonly Process _process;
    private readonly PipeWaveProvider _pcm;
    private readonly ISampleProvider _samples;
    private readonly StringBuilder _errors;

    private FfmpegDecoder(Process process, PipeWaveProvider pcm, StringBuilder errors)
    {
        _process = process;
        _pcm = pcm;
        _samples = pcm.ToSampleProvider();
        _errors = errors;
    }

    public WaveFormat WaveFormat => _samples.WaveFormat;

    /// <summary>What ffmpeg said on stderr (first lines), for reports when a decode ends badly.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public static FfmpegDecoder Open(string path, FfmpegTools tools)
    {
        if (!File.Exists(path))
        {
            throw new AudioSourceException($"file not found: {path}");
        }

        if (tools.Unavailable() is { } reason)
        {
            throw new AudioSourceException(reason);
        }

        var (rate, probeError) = tools.ProbeSampleRate(path);
        if (rate is not { } sampleRate)
        {
            throw new AudioSourceException($"unreadable: {Path.GetFileName(path)}: ffprobe: {probeError}");
        }

        Process process;
        try
        {
            process = Process.Start(FfmpegTools.Info(
                tools.FfmpegPath,
                "-hide_banner", "-nostdin", "-v", "error", "-i", path,
                "-map", "0:a:0", "-vn", "-ac", "2", "-ar", sampleRate.ToString(CultureInfo.InvariantCulture),
                "-c:a", "pcm_f32le", "-map_metadata", "-1", "-fflags", "+bitexact", "-f", "f32le", "pipe:1"))!;
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw new AudioSourceException(tools.NotFound(ex), ex);
        }

        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lock (errors)
                {
                    if (errors.Length < 2000)
                    {
                        errors.AppendLine(line);
                    }
                }
            }
        };
        process.BeginErrorReadLine();
        return new FfmpegDecoder(process, new PipeWaveProvider(process.StandardOutput.BaseStream, AudioFormat.Float(sampleRate, 2)), errors);
    }

    public int Read(Span<float> buffer)
    {
        try
        {
            return _samples.Read(buffer);
        }
        catch (IOException)
        {
            // The pipe broke (ffmpeg was killed): the track ends where it is.
            return 0;
        }
    }

    public void Dispose()
    {
        Stop(_process);
        _pcm.Dispose();
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit(1000);
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }
}

/// <summary>
/// Raw PCM from a pipe as NAudio's <see cref="IWaveProvider"/>. A pipe hands over whatever bytes have arrived, which
/// need not end on a whole sample; this waits for whole frames, so no sample is ever split between two reads.
/// </summary>
internal sealed class PipeWaveProvider(Stream pipe, WaveFormat format) : IWaveProvider, IDisposable
{
    public WaveFormat WaveFormat => format;

    public int Read(Span<byte> buffer)
    {
        var wanted = buffer.Length - (buffer.Length % format.BlockAlign);
        var got = pipe.ReadAtLeast(buffer[..wanted], wanted, throwOnEndOfStream: false);
        return got - (got % format.BlockAlign);
    }

    public void Dispose() => pipe.Dispose();
}
