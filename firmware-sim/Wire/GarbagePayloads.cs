using System.Text;
using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Model;

namespace SettingControl.FirmwareSim.Wire;

/// <summary>
/// Malformed payloads for a device's own announce, state and availability topics, to prove the controller's parser
/// drops them. Every payload is checked against <see cref="PayloadParser"/> so none is accidentally valid.
/// Empty payloads are never produced: on a retained topic they delete the message rather than corrupt it.
/// </summary>
internal static class GarbagePayloads
{
    private static readonly DeviceTopicKind[] Topics = [DeviceTopicKind.Announce, DeviceTopicKind.State, DeviceTopicKind.Availability];

    public static (DeviceTopicKind Topic, byte[] Payload) Next(Random random, string deviceId, string kind)
    {
        var topic = Topics[random.Next(Topics.Length)];
        while (true)
        {
            var payload = random.Next(8) switch
            {
                0 => RandomBytes(random),
                1 => Truncated(random, ValidPayload(topic, deviceId, kind)),
                2 => WrongTypes(topic),
                3 => OutOfRange(topic, deviceId, kind),
                4 => Huge(random, topic),
                5 => NotUtf8(random, ValidPayload(topic, deviceId, kind)),
                6 => WrongShape(random),
                _ => WrongIdentity(topic, deviceId, kind),
            };

            if (payload.Length > 0 && !IsValid(topic, payload, deviceId))
            {
                return (topic, payload);
            }
        }
    }

    public static bool IsValid(DeviceTopicKind topic, byte[] payload, string deviceId) => topic switch
    {
        DeviceTopicKind.Announce => PayloadParser.ParseAnnounce(payload, deviceId).Ok,
        DeviceTopicKind.State => PayloadParser.ParseState(payload).Ok,
        DeviceTopicKind.Availability => PayloadParser.TryParseAvailability(payload, out _, out _),
        _ => PayloadParser.ParseSet(payload).Ok,
    };

    private static byte[] ValidPayload(DeviceTopicKind topic, string deviceId, string kind)
    {
        var model = new DeviceModel(kind);
        return topic switch
        {
            DeviceTopicKind.Announce => PayloadWriter.Write(new AnnouncePayload(deviceId, kind, "sim", "1.0.0", SettingControlV1Wire.CapabilitiesFor(kind))),
            DeviceTopicKind.State => PayloadWriter.Write(SettingControlV1Wire.ToPayload(model.Snapshot)),
            _ => PayloadWriter.WriteAvailability(online: true),
        };
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 65)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Truncated(Random random, byte[] valid) => valid[..random.Next(1, valid.Length)];

    private static byte[] WrongTypes(DeviceTopicKind topic) => Encoding.UTF8.GetBytes(topic switch
    {
        DeviceTopicKind.Announce => """{"id":123,"kind":true,"model":[],"firmware":{}}""",
        DeviceTopicKind.State => """{"on":"yes","brightness":"high","colorTempK":true,"battery":"full"}""",
        _ => """{"state":42}""",
    });

    private static byte[] OutOfRange(DeviceTopicKind topic, string deviceId, string kind) => Encoding.UTF8.GetBytes(topic switch
    {
        DeviceTopicKind.Announce => $$$"""{"id":"{{{deviceId}}}","kind":"{{{kind}}}","model":"sim","firmware":"1.0.0","capabilities":{"minColorTempK":50000,"maxColorTempK":-1,"maxTransitionMs":-5}}""",
        DeviceTopicKind.State => """{"on":true,"brightness":250,"colorTempK":99999,"light":-3,"battery":101}""",
        _ => "maybe",
    });

    private static byte[] Huge(Random random, DeviceTopicKind topic)
    {
        // Well past PayloadParser.MaxPayloadBytes, yet small enough not to strain a broker.
        var padding = new string('x', random.Next(PayloadParser.MaxPayloadBytes + 1, 20_000));
        return Encoding.UTF8.GetBytes(topic == DeviceTopicKind.Availability ? padding : $$"""{"on":true,"pad":"{{padding}}"}""");
    }

    private static byte[] NotUtf8(Random random, byte[] valid)
    {
        // 0xC3 0x28 is an invalid two-byte sequence; 0xFF never occurs in UTF-8.
        byte[] invalid = random.Next(2) == 0 ? [0xC3, 0x28] : [0xFF];
        var at = random.Next(1, valid.Length);
        return [.. valid[..at], .. invalid, .. valid[at..]];
    }

    private static byte[] WrongShape(Random random) => Encoding.UTF8.GetBytes(random.Next(5) switch
    {
        0 => "null",
        1 => "[]",
        2 => "{}",
        3 => "\"online\"",
        _ => "{\"on\":true,,}",
    });

    private static byte[] WrongIdentity(DeviceTopicKind topic, string deviceId, string kind) => Encoding.UTF8.GetBytes(topic switch
    {
        DeviceTopicKind.Announce => $$"""{"id":"not-{{deviceId}}","kind":"{{kind}}","model":"sim","firmware":"1.0.0"}""",
        DeviceTopicKind.State => """{"brightness":50}""",
        _ => "ONLINE",
    });
}
