using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Sources;

/// <summary>
/// A WAV file in-process, read by NAudio's <see cref="WaveFileReader"/> and converted to float by its sample
/// providers: PCM 16, 24 and 32-bit integer and 32-bit IEEE float, mono or stereo (WAVE_FORMAT_EXTENSIBLE included).
/// What NAudio cannot read, or what the chain does not play, is refused with a message staff can act on.
/// </summary>
public sealed class WavReader : ISampleProvider, IDisposable
{
    private readonly WaveFileReader _file;
    private readonly ISampleProvider _samples;

    private WavReader(WaveFileReader file, string name)
    {
        _file = file;
        var format = file.WaveFormat;
        var encoding = EncodingOf(format);
        var bits = format.BitsPerSample;
        if (!(encoding == WaveFormatEncoding.Pcm && bits is 16 or 24 or 32) && !(encoding == WaveFormatEncoding.IeeeFloat && bits == 32))
        {
            throw new AudioSourceException($"{name}: unsupported WAV encoding ({encoding}, {bits} bits); PCM 16/24/32-bit and 32-bit float are supported.");
        }

        if (format.Channels is < 1 or > 2 || format.SampleRate is < 8_000 or > 384_000)
        {
            throw new AudioSourceException($"{name}: unsupported layout ({format.Channels} channels, {format.SampleRate} Hz); mono or stereo, 8–384 kHz.");
        }

        // NAudio's converters know PCM and float by their plain tags: an extensible file is read as what it holds.
        IWaveProvider data = format.Encoding == WaveFormatEncoding.Extensible
            ? new RelabelledWaveProvider(file, encoding == WaveFormatEncoding.IeeeFloat
                ? WaveFormat.CreateIeeeFloatWaveFormat(format.SampleRate, format.Channels)
                : new WaveFormat(format.SampleRate, bits, format.Channels))
            : file;
        _samples = data.ToSampleProvider();
        LengthFrames = file.SampleCount;
    }

    /// <summary>
    /// The encoding a WAVE_FORMAT_EXTENSIBLE header stands for: the first two bytes of its sub-format GUID (after the
    /// valid-bits and channel-mask fields of the extra data) are the plain format tag, 1 for PCM and 3 for float.
    /// </summary>
    private static WaveFormatEncoding EncodingOf(WaveFormat format)
    {
        if (format.Encoding != WaveFormatEncoding.Extensible)
        {
            return format.Encoding;
        }

        return format is WaveFormatExtraData { ExtraSize: >= 22 } extra
            ? (WaveFormatEncoding)BitConverter.ToUInt16(extra.ExtraData, 6)
            : WaveFormatEncoding.Extensible;
    }

    public WaveFormat WaveFormat => _samples.WaveFormat;

    /// <summary>Frames in the data chunk.</summary>
    public long LengthFrames { get; }

    public static WavReader Open(string path)
    {
        var name = Path.GetFileName(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        WaveFileReader? file = null;
        try
        {
            file = new WaveFileReader(stream);
            return new WavReader(file, name);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or EndOfStreamException or ArgumentException or NotSupportedException)
        {
            Close(file, stream);
            throw new AudioSourceException($"{name} is not a WAV file the engine can read ({ex.Message.TrimEnd('.')}).", ex);
        }
        catch
        {
            Close(file, stream);
            throw;
        }
    }

    public int Read(Span<float> buffer) => _samples.Read(buffer);

    public void Dispose() => _file.Dispose();

    private static void Close(WaveFileReader? file, Stream stream)
    {
        file?.Dispose();
        stream.Dispose();
    }
}

/// <summary>The same bytes under a plain format header.</summary>
internal sealed class RelabelledWaveProvider(IWaveProvider source, WaveFormat format) : IWaveProvider
{
    public WaveFormat WaveFormat => format;

    public int Read(Span<byte> buffer) => source.Read(buffer);
}
