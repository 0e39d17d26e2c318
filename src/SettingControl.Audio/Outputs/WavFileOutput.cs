using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SettingControl.Audio.Chain;

namespace SettingControl.Audio.Outputs;

/// <summary>
/// Writes a 32-bit float WAV that is valid whenever a reader opens it: after every block the data is
/// flushed first and only then are the RIFF, fact and data sizes updated, so the header never claims
/// more than the file holds. RIFF sizes are 32-bit: at 48 kHz stereo float a file holds about 3 h 6 min,
/// after which the output reports itself full and stops writing (the room plays on).
/// </summary>
public sealed class WavFileOutput : IAudioOutput
{
    private const int HeaderBytes = 58;
    private const int RiffSizeAt = 4;
    private const int FactFramesAt = 46;
    private const int DataSizeAt = 54;

    private readonly WaveFormat _format;
    private readonly FileStream? _file;
    private readonly byte[] _header;
    private long _dataBytes;
    private string _state = "ok";

    public WavFileOutput(string path, WaveFormat format)
    {
        _format = format;
        Description = $"file:{path}";
        _header = Header(format, 0);
        try
        {
            if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            _file.Write(_header);
            _file.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            _state = $"unavailable: cannot write '{path}': {ex.Message}";
            _file?.Dispose();
            _file = null;
        }
    }

    public string Description { get; }

    public string State => _state;

    public long FramesWritten => _dataBytes / (4 * _format.Channels);

    /// <summary>The 58-byte header of a float WAV (fmt with cbSize, fact, data) for the data size given.</summary>
    public static byte[] Header(WaveFormat format, long dataBytes)
    {
        var h = new byte[HeaderBytes];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(RiffSizeAt), (uint)(HeaderBytes - 8 + dataBytes));
        "WAVE"u8.CopyTo(h.AsSpan(8));
        "fmt "u8.CopyTo(h.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), 18);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(20), 3); // IEEE float
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(22), (ushort)format.Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(24), (uint)format.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(28), (uint)(format.SampleRate * format.Channels * 4));
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(32), (ushort)(format.Channels * 4));
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(34), 32);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(36), 0);
        "fact"u8.CopyTo(h.AsSpan(38));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(42), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(FactFramesAt), (uint)(dataBytes / (format.Channels * 4)));
        "data"u8.CopyTo(h.AsSpan(50));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(DataSizeAt), (uint)dataBytes);
        return h;
    }

    public void Write(ReadOnlySpan<float> samples)
    {
        if (_file is null)
        {
            return;
        }

        var bytes = MemoryMarshal.AsBytes(samples);
        if (HeaderBytes + _dataBytes + bytes.Length > uint.MaxValue)
        {
            _state = "unavailable: the WAV file reached its 4 GB size limit";
            return;
        }

        try
        {
            _file.Write(bytes);
            _file.Flush();
            _dataBytes += bytes.Length;

            // All three sizes in one write (one syscall within the first page), so a reader never sees
            // the RIFF size of one moment with the data size of another.
            BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(RiffSizeAt), (uint)(HeaderBytes - 8 + _dataBytes));
            BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(FactFramesAt), (uint)FramesWritten);
            BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(DataSizeAt), (uint)_dataBytes);
            _file.Seek(0, SeekOrigin.Begin);
            _file.Write(_header);
            _file.Seek(0, SeekOrigin.End);
            _file.Flush();
        }
        catch (IOException ex)
        {
            _state = $"unavailable: writing failed: {ex.Message}";
        }
    }

    public void Dispose() => _file?.Dispose();
}
