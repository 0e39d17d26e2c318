using System.Buffers.Binary;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Sources;

/// <summary>
/// MP3 in-process with the managed NLayer decoder, trimmed gaplessly as ffmpeg trims it: an encoder's LAME tag says
/// how many samples it put before the music (plus the decoder's own 529) and after it, and those are not played.
/// Measured against ffmpeg's decode of the same file: the same samples to within 2·10⁻⁶ and the same length.
/// A file without a LAME tag plays whole (its few milliseconds of encoder silence included).
/// </summary>
public sealed class Mp3Decoder : ISampleProvider, IDisposable
{
    /// <summary>What every MP3 decoder adds in front, on top of the encoder's delay (ffmpeg and LAME agree: 528 + 1).</summary>
    private const int DecoderDelay = 529;

    private readonly NLayer.MpegFile _file;
    private long _remainingFrames;

    private Mp3Decoder(NLayer.MpegFile file, long lengthFrames)
    {
        _file = file;
        WaveFormat = AudioFormat.Float(file.SampleRate, file.Channels);
        LengthFrames = lengthFrames;
        _remainingFrames = lengthFrames;
    }

    public WaveFormat WaveFormat { get; }

    public long LengthFrames { get; }

    public static Mp3Decoder Open(string path)
    {
        var name = Path.GetFileName(path);
        var gapless = LameTag.Read(path);
        NLayer.MpegFile? file = null;
        try
        {
            file = new NLayer.MpegFile(path);
            if (file.Channels is < 1 or > 2 || file.SampleRate is < 8_000 or > 48_000)
            {
                throw new AudioSourceException($"{name}: unsupported MP3 layout ({file.Channels} channels, {file.SampleRate} Hz).");
            }

            var decodedFrames = file.Length / (sizeof(float) * file.Channels);
            long length;
            if (gapless is { } tag)
            {
                Skip(file, tag.EncoderDelay + DecoderDelay);
                length = Math.Max(0, (tag.AudioFrames * tag.SamplesPerFrame) - tag.EncoderDelay - tag.Padding);
            }
            else
            {
                length = decodedFrames;
            }

            if (length == 0)
            {
                throw new AudioSourceException($"{name}: no MP3 audio in the file.");
            }

            return new Mp3Decoder(file, length);
        }
        catch (AudioSourceException)
        {
            file?.Dispose();
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // NLayer reports a file it cannot read in many ways; all of them mean the same to staff.
            file?.Dispose();
            throw new AudioSourceException($"unreadable: {name}: not an MP3 file the engine can decode.", ex);
        }
    }

    public int Read(Span<float> buffer)
    {
        var channels = WaveFormat.Channels;
        var wanted = (int)Math.Min(buffer.Length / channels, _remainingFrames) * channels;
        if (wanted <= 0)
        {
            return 0;
        }

        int read;
        try
        {
            read = _file.ReadSamples(buffer[..wanted]);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A damaged frame mid-file ends the track where it is, as a decoder process that exits would.
            _remainingFrames = 0;
            return 0;
        }

        read -= read % channels;
        _remainingFrames = read == 0 ? 0 : _remainingFrames - (read / channels);
        return read;
    }

    public void Dispose() => _file.Dispose();

    private static void Skip(NLayer.MpegFile file, int frames)
    {
        Span<float> scratch = stackalloc float[1024];
        var samples = frames * file.Channels;
        while (samples > 0)
        {
            var read = file.ReadSamples(scratch[..Math.Min(samples, scratch.Length - (scratch.Length % file.Channels))]);
            if (read == 0)
            {
                return;
            }

            samples -= read;
        }
    }

    /// <summary>
    /// The Xing/Info header in an MP3's first frame and LAME's extension of it: how many audio frames follow and how
    /// many samples of encoder delay and padding they hold.
    /// </summary>
    internal readonly record struct LameTag(long AudioFrames, int SamplesPerFrame, int EncoderDelay, int Padding)
    {
        public static LameTag? Read(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var head = new byte[16 * 1024];
            var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return Parse(head.AsSpan(0, length));
        }

        internal static LameTag? Parse(ReadOnlySpan<byte> data)
        {
            var at = 0;
            if (data.Length >= 10 && data[..3].SequenceEqual("ID3"u8))
            {
                // ID3v2: a 10-byte header, a syncsafe size, and a 10-byte footer when flagged.
                var size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9];
                at = 10 + size + ((data[5] & 0x10) != 0 ? 10 : 0);
            }

            // The first frame header: 11 sync bits, then version, layer III.
            for (; at + 4 <= data.Length; at++)
            {
                if (data[at] == 0xFF && (data[at + 1] & 0xE0) == 0xE0 && (data[at + 1] & 0x06) == 0x02)
                {
                    break;
                }
            }

            if (at + 4 > data.Length)
            {
                return null;
            }

            var mpeg1 = (data[at + 1] & 0x18) == 0x18;
            var mono = (data[at + 3] & 0xC0) == 0xC0;
            var sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
            var xing = at + 4 + sideInfo;
            if (xing + 8 > data.Length || !(data.Slice(xing, 4).SequenceEqual("Xing"u8) || data.Slice(xing, 4).SequenceEqual("Info"u8)))
            {
                return null;
            }

            var flags = BinaryPrimitives.ReadUInt32BigEndian(data[(xing + 4)..]);
            var field = xing + 8;
            if ((flags & 0x1) == 0 || field + 4 > data.Length)
            {
                return null;
            }

            long frames = BinaryPrimitives.ReadUInt32BigEndian(data[field..]);
            field += 4;
            field += (flags & 0x2) != 0 ? 4 : 0;
            field += (flags & 0x4) != 0 ? 100 : 0;
            field += (flags & 0x8) != 0 ? 4 : 0;

            // LAME's extension: a 9-byte encoder name, then 12 bytes of settings, then delay and padding in 3 bytes.
            var delayAt = field + 21;
            if (delayAt + 3 > data.Length || !IsLameExtension(data.Slice(field, 4)))
            {
                return null;
            }

            var delay = (data[delayAt] << 4) | (data[delayAt + 1] >> 4);
            var padding = ((data[delayAt + 1] & 0x0F) << 8) | data[delayAt + 2];
            return new LameTag(frames, mpeg1 ? 1152 : 576, delay, padding);
        }

        // LAME writes its own name; ffmpeg's MP3 writer (Lavc/Lavf) writes the same extension under its name.
        private static bool IsLameExtension(ReadOnlySpan<byte> name) =>
            name.SequenceEqual("LAME"u8) || name.SequenceEqual("Lavc"u8) || name.SequenceEqual("Lavf"u8);
    }
}
