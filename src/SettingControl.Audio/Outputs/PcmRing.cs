namespace SettingControl.Audio.Outputs;

/// <summary>
/// A bounded single-producer, single-consumer ring of 16-bit little-endian PCM: the render thread converts its float
/// blocks into it without locks, waits or allocations; one sender reads it. A block that does not fit is dropped whole
/// (a partial block would shift the channels) and counted.
/// </summary>
public sealed class PcmRing
{
    private readonly byte[] _buffer;
    private long _written;
    private long _read;
    private long _droppedBlocks;

    public PcmRing(int capacityBytes)
    {
        // Whole stereo frames, so a sample's two bytes never straddle the end.
        if (capacityBytes < 4 || capacityBytes % 4 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityBytes), "The ring holds whole 16-bit stereo frames: a positive multiple of 4 bytes.");
        }

        _buffer = new byte[capacityBytes];
    }

    public int Capacity => _buffer.Length;

    public long DroppedBlocks => Interlocked.Read(ref _droppedBlocks);

    /// <summary>Bytes waiting to be read.</summary>
    public int Count => (int)(Volatile.Read(ref _written) - Volatile.Read(ref _read));

    /// <summary>Producer: converts and appends the block, or drops it (counted) when it does not fit. Never throws.</summary>
    public bool TryWrite(ReadOnlySpan<float> samples)
    {
        var bytes = samples.Length * 2;
        var written = _written;
        var free = _buffer.Length - (int)(written - Volatile.Read(ref _read));
        if (bytes > free)
        {
            Interlocked.Increment(ref _droppedBlocks);
            return false;
        }

        var at = (int)(written % _buffer.Length);
        for (var i = 0; i < samples.Length; i++)
        {
            // Clamped, then rounded: NaN becomes silence rather than the most negative sample.
            var s = samples[i];
            var value = float.IsNaN(s) ? (short)0 : (short)Math.Round(Math.Clamp(s, -1f, 1f) * 32767f);
            _buffer[at] = (byte)value;
            _buffer[at + 1] = (byte)(value >> 8);
            at += 2;
            if (at >= _buffer.Length)
            {
                at -= _buffer.Length;
            }
        }

        // Published after the bytes: the reader never sees a count ahead of the data.
        Volatile.Write(ref _written, written + bytes);
        return true;
    }

    /// <summary>Consumer: copies up to <paramref name="destination"/>'s length of what is waiting, and returns how much.</summary>
    public int Read(Span<byte> destination)
    {
        var read = _read;
        var available = (int)(Volatile.Read(ref _written) - read);
        var count = Math.Min(available, destination.Length);
        var at = (int)(read % _buffer.Length);
        var first = Math.Min(count, _buffer.Length - at);
        _buffer.AsSpan(at, first).CopyTo(destination);
        _buffer.AsSpan(0, count - first).CopyTo(destination[first..]);
        Volatile.Write(ref _read, read + count);
        return count;
    }

    /// <summary>
    /// Consumer: forgets what is waiting, keeping frame alignment, so a new connection starts with the newest sound
    /// instead of seconds of stale buffer (which would add to the latency for as long as it lasts).
    /// </summary>
    public void Skip()
    {
        var written = Volatile.Read(ref _written);
        Volatile.Write(ref _read, written);
    }
}
