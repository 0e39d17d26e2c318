using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Sources;

/// <summary>
/// Decodes a RIFF/WAVE stream in-process: PCM 16, 24 and 32-bit integer and 32-bit IEEE float,
/// mono or stereo (WAVE_FORMAT_EXTENSIBLE included). Works on pipes too: a data chunk whose size is
/// 0 or 0xFFFFFFFF (what a streaming writer such as ffmpeg puts there) is read to the end of the stream.
/// </summary>
public sealed class WavReader : ISampleProvider, IDisposable
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly int _bytesPerSample;
    private readonly bool _isFloat;
    private long _remainingBytes;
    private byte[] _bytes = [];

    public WavReader(Stream stream, bool ownsStream = true, string? name = null)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        var what = name ?? "WAV stream";
        Span<byte> header = stackalloc byte[12];
        if (!ReadExactly(header) || !header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new AudioSourceException($"{what} is not a WAV file (no RIFF/WAVE header).");
        }

        ushort format = 0;
        int channels = 0, rate = 0, bits = 0;
        Span<byte> chunk = stackalloc byte[8];
        while (true)
        {
            if (!ReadExactly(chunk))
            {
                throw new AudioSourceException($"{what} has no data chunk.");
            }

            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                var fmt = new byte[size];
                if (!ReadExactly(fmt) || size < 16)
                {
                    throw new AudioSourceException($"{what} has a truncated fmt chunk.");
                }

                format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(fmt.AsSpan(4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
                if (format == FormatExtensible && size >= 26)
                {
                    // The sub-format GUID starts with the plain format tag.
                    format = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(24));
                }

                SkipPadding(size);
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (format == 0)
                {
                    throw new AudioSourceException($"{what} has its data chunk before the fmt chunk.");
                }

                _remainingBytes = size is 0 or uint.MaxValue ? long.MaxValue : size;
                if (_stream.CanSeek && _remainingBytes != long.MaxValue)
                {
                    // A file still being written may declare less than it holds, never more than we can read.
                    _remainingBytes = Math.Min(_remainingBytes, _stream.Length - _stream.Position);
                }

                break;
            }
            else
            {
                Skip(size + (size & 1));
            }
        }

        _isFloat = format == FormatFloat;
        if (!(format == FormatPcm && bits is 16 or 24 or 32) && !(format == FormatFloat && bits == 32))
        {
            throw new AudioSourceException($"{what}: unsupported WAV encoding (format tag {format}, {bits} bits); PCM 16/24/32-bit and 32-bit float are supported.");
        }

        if (channels is < 1 or > 2 || rate is < 8_000 or > 384_000)
        {
            throw new AudioSourceException($"{what}: unsupported layout ({channels} channels, {rate} Hz); mono or stereo, 8–384 kHz.");
        }

        _bytesPerSample = bits / 8;
        WaveFormat = new WaveFormat(rate, channels);
        LengthFrames = _remainingBytes == long.MaxValue ? null : _remainingBytes / (_bytesPerSample * channels);
    }

    public WaveFormat WaveFormat { get; }

    /// <summary>Frames in the data chunk, or null when the stream is read to its end (a pipe).</summary>
    public long? LengthFrames { get; }

    public static WavReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16), true, Path.GetFileName(path));

    public int Read(Span<float> buffer)
    {
        var frameBytes = _bytesPerSample * WaveFormat.Channels;
        var wanted = (int)Math.Min((long)buffer.Length / WaveFormat.Channels * frameBytes, _remainingBytes / frameBytes * frameBytes);
        if (wanted <= 0)
        {
            return 0;
        }

        if (_bytes.Length < wanted)
        {
            _bytes = new byte[wanted];
        }

        var got = _stream.ReadAtLeast(_bytes.AsSpan(0, wanted), wanted, throwOnEndOfStream: false);
        got -= got % frameBytes;
        _remainingBytes -= got;
        var samples = got / _bytesPerSample;
        var bytes = _bytes.AsSpan(0, got);
        switch (_bytesPerSample)
        {
            case 2:
                for (var i = 0; i < samples; i++)
                {
                    buffer[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * 2)..]) / 32768f;
                }

                break;
            case 3:
                for (var i = 0; i < samples; i++)
                {
                    var b = i * 3;
                    buffer[i] = (bytes[b] | (bytes[b + 1] << 8) | ((sbyte)bytes[b + 2] << 16)) / 8388608f;
                }

                break;
            default:
                if (_isFloat)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(buffer);
                }
                else
                {
                    for (var i = 0; i < samples; i++)
                    {
                        buffer[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]) / 2147483648f;
                    }
                }

                break;
        }

        if (got < wanted)
        {
            _remainingBytes = 0;
        }

        return samples;
    }

    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private bool ReadExactly(Span<byte> into) => _stream.ReadAtLeast(into, into.Length, throwOnEndOfStream: false) == into.Length;

    private void SkipPadding(uint size)
    {
        if ((size & 1) == 1)
        {
            Skip(1);
        }
    }

    private void Skip(long bytes)
    {
        if (_stream.CanSeek)
        {
            _stream.Seek(bytes, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[512];
        while (bytes > 0)
        {
            var n = _stream.Read(scratch[..(int)Math.Min(bytes, scratch.Length)]);
            if (n == 0)
            {
                return;
            }

            bytes -= n;
        }
    }
}
