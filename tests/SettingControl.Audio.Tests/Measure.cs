using System.Diagnostics;
using SettingControl.Audio.Chain;
using SettingControl.Audio.Sources;

namespace SettingControl.Audio.Tests;

/// <summary>Measurements on rendered sound, and the command-line tools that make test files.</summary>
public static class Measure
{
    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * s;
        }

        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);

    /// <summary>Largest sample-to-sample jump on any channel of interleaved samples.</summary>
    public static double MaxJump(ReadOnlySpan<float> samples, int channels)
    {
        double max = 0;
        for (var i = channels; i < samples.Length; i++)
        {
            max = Math.Max(max, Math.Abs(samples[i] - samples[i - channels]));
        }

        return max;
    }

    /// <summary>Reads a provider to its end (or up to a frame limit).</summary>
    public static float[] ReadAll(ISampleProvider provider, long maxFrames = long.MaxValue)
    {
        var all = new List<float>();
        var buffer = new float[4096 * provider.WaveFormat.Channels];
        long frames = 0;
        while (frames < maxFrames)
        {
            var n = provider.Read(buffer);
            all.AddRange(buffer.AsSpan(0, n));
            frames += n / provider.WaveFormat.Channels;
            if (n < buffer.Length)
            {
                break;
            }
        }

        return [.. all];
    }

    public static float[] ReadWav(string path)
    {
        using var reader = WavReader.Open(path);
        return ReadAll(reader);
    }

    /// <summary>Runs a tool (ffmpeg, sox) and fails the test with its stderr when it fails.</summary>
    public static byte[] Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        using var output = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {stderr.Result}");
        return output.ToArray();
    }

    /// <summary>ffmpeg's own decode of a file: 32-bit float at the file's rate.</summary>
    public static float[] FfmpegDecode(string path, int channels = 2)
    {
        var bytes = Run("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", path, "-ac", channels.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "f32le", "pipe:1");
        var samples = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
        return samples;
    }

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "settingcontrol-audio-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>A constant signal: makes gains directly visible in the output.</summary>
public sealed class ConstantSource(float value, WaveFormat format, long frames = long.MaxValue) : ISampleProvider
{
    private long _left = frames;

    public WaveFormat WaveFormat => format;

    public int Read(Span<float> buffer)
    {
        var n = (int)Math.Min(buffer.Length / format.Channels, _left);
        buffer[..(n * format.Channels)].Fill(value);
        _left -= n;
        return n * format.Channels;
    }
}
