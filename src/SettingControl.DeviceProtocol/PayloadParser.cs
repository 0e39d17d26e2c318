using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace SettingControl.DeviceProtocol;

/// <summary>Why an incoming device message was dropped. Each reason is counted by the controller.</summary>
public enum DropReason
{
    None,
    UnknownTopic,
    TooLarge,
    NotUtf8,
    InvalidJson,
    MissingField,
    OutOfRange,
    UnknownValue,
    IdMismatch,
    UnknownDevice,
    UnassignedDevice,

    /// <summary>The controller's inbound queue was full (a device flooding it): the oldest waiting message was dropped.</summary>
    InboundQueueFull,

    /// <summary>A field the device's schema does not have (a Home Assistant JSON light's state with a field it never sends).</summary>
    UnexpectedField,
}

public readonly record struct ParseResult<T>(T? Value, DropReason Reason, string? Detail)
    where T : class
{
    public bool Ok => Value is not null;

    public static ParseResult<T> Success(T value) => new(value, DropReason.None, null);

    public static ParseResult<T> Drop(DropReason reason, string detail) => new(null, reason, detail);
}

/// <summary>
/// Strict parsing of device payloads: anything malformed, oversized or out of range is refused with a
/// reason, never half-applied. Unknown JSON fields are ignored so newer firmware stays compatible.
/// </summary>
public static class PayloadParser
{
    /// <summary>No legitimate device payload comes near this; anything larger is refused unread.</summary>
    public const int MaxPayloadBytes = 4096;

    public static ParseResult<AnnouncePayload> ParseAnnounce(ReadOnlySpan<byte> payload, string deviceIdFromTopic)
    {
        if (!TryDeserialize(payload, DeviceProtocolJson.Default.AnnouncePayload, out var announce, out var drop))
        {
            return ParseResult<AnnouncePayload>.Drop(drop.Reason, drop.Detail);
        }

        if (string.IsNullOrEmpty(announce.Id) || announce.Kind is null || announce.Model is null || announce.Firmware is null)
        {
            return ParseResult<AnnouncePayload>.Drop(DropReason.MissingField, "announce needs id, kind, model and firmware");
        }

        if (announce.Id != deviceIdFromTopic)
        {
            return ParseResult<AnnouncePayload>.Drop(DropReason.IdMismatch, $"announce id '{announce.Id}' does not match topic device '{deviceIdFromTopic}'");
        }

        if (announce.Kind is not (DeviceKinds.Light or DeviceKinds.Mask))
        {
            return ParseResult<AnnouncePayload>.Drop(DropReason.UnknownValue, $"unknown device kind '{announce.Kind}'");
        }

        if (announce.Capabilities is { } caps)
        {
            if (caps.MinColorTempK is < 1000 or > 10000 || caps.MaxColorTempK is < 1000 or > 10000 ||
                (caps.MinColorTempK is { } min && caps.MaxColorTempK is { } max && min > max) ||
                caps.MaxTransitionMs is < 0)
            {
                return ParseResult<AnnouncePayload>.Drop(DropReason.OutOfRange, "capabilities out of range");
            }
        }

        return ParseResult<AnnouncePayload>.Success(announce);
    }

    public static ParseResult<StatePayload> ParseState(ReadOnlySpan<byte> payload)
    {
        if (!TryDeserialize(payload, DeviceProtocolJson.Default.StatePayload, out var state, out var drop))
        {
            return ParseResult<StatePayload>.Drop(drop.Reason, drop.Detail);
        }

        if (state.Brightness is < 0 or > 100 || state.Light is < 0 or > 100 || state.Battery is < 0 or > 100 ||
            state.ColorTempK is < 1000 or > 10000)
        {
            return ParseResult<StatePayload>.Drop(DropReason.OutOfRange, "state value out of range");
        }

        return ParseResult<StatePayload>.Success(state);
    }

    public static ParseResult<SetPayload> ParseSet(ReadOnlySpan<byte> payload)
    {
        if (!TryDeserialize(payload, DeviceProtocolJson.Default.SetPayload, out var set, out var drop))
        {
            return ParseResult<SetPayload>.Drop(drop.Reason, drop.Detail);
        }

        if (string.IsNullOrEmpty(set.CommandId))
        {
            return ParseResult<SetPayload>.Drop(DropReason.MissingField, "set needs a commandId");
        }

        if (set.TransitionMs < 0 || set.Brightness is < 0 or > 100 || set.Light is < 0 or > 100 || set.ColorTempK is < 1000 or > 10000)
        {
            return ParseResult<SetPayload>.Drop(DropReason.OutOfRange, "set value out of range");
        }

        return ParseResult<SetPayload>.Success(set);
    }

    /// <summary>Availability is the bare word <c>online</c> or <c>offline</c> (Zigbee2MQTT's <c>{"state":"online"}</c> is accepted too).</summary>
    public static bool TryParseAvailability(ReadOnlySpan<byte> payload, out bool online, out DropReason reason)
    {
        online = false;
        reason = DropReason.None;
        if (payload.Length > 64)
        {
            reason = DropReason.TooLarge;
            return false;
        }

        var text = payload.Trim((byte)' ');
        if (text.SequenceEqual("online"u8))
        {
            online = true;
            return true;
        }

        if (text.SequenceEqual("offline"u8))
        {
            return true;
        }

        if (text.SequenceEqual("{\"state\":\"online\"}"u8))
        {
            online = true;
            return true;
        }

        if (text.SequenceEqual("{\"state\":\"offline\"}"u8))
        {
            return true;
        }

        reason = DropReason.UnknownValue;
        return false;
    }

    private static bool TryDeserialize<T>(ReadOnlySpan<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, out T value, out (DropReason Reason, string Detail) drop)
        where T : class
    {
        value = null!;
        drop = default;
        if (payload.Length == 0)
        {
            drop = (DropReason.InvalidJson, "empty payload");
            return false;
        }

        if (payload.Length > MaxPayloadBytes)
        {
            drop = (DropReason.TooLarge, $"payload of {payload.Length} bytes exceeds {MaxPayloadBytes}");
            return false;
        }

        if (!Utf8.IsValid(payload))
        {
            drop = (DropReason.NotUtf8, "payload is not UTF-8");
            return false;
        }

        try
        {
            var result = JsonSerializer.Deserialize(payload, typeInfo);
            if (result is null)
            {
                drop = (DropReason.InvalidJson, "payload is JSON null");
                return false;
            }

            value = result;
            return true;
        }
        catch (JsonException ex)
        {
            // Missing required constructor parameters surface as JsonException too; both mean "not a valid payload".
            drop = (ex.Message.Contains("missing", StringComparison.OrdinalIgnoreCase) ? DropReason.MissingField : DropReason.InvalidJson, ex.Message);
            return false;
        }
    }
}

/// <summary>Serialises payloads with the source-generated context (no reflection on the hot path).</summary>
public static class PayloadWriter
{
    public static byte[] Write(AnnouncePayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, DeviceProtocolJson.Default.AnnouncePayload);

    public static byte[] Write(StatePayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, DeviceProtocolJson.Default.StatePayload);

    public static byte[] Write(SetPayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, DeviceProtocolJson.Default.SetPayload);

    public static byte[] WriteAvailability(bool online) => Encoding.UTF8.GetBytes(online ? Availability.Online : Availability.Offline);
}
