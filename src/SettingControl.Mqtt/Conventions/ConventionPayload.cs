using System.Buffers;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt.Conventions;

/// <summary>The checks every convention makes on a device's payload before reading it.</summary>
internal static class ConventionPayload
{
    /// <summary>The payload's bytes, or why it is refused: larger than a device message may be, or not UTF-8.</summary>
    public static DropReason TryRead(ReadOnlySequence<byte> payload, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (payload.Length > PayloadParser.MaxPayloadBytes)
        {
            return DropReason.TooLarge;
        }

        bytes = payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray();
        return System.Text.Unicode.Utf8.IsValid(bytes) ? DropReason.None : DropReason.NotUtf8;
    }
}
