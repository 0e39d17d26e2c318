using System.Text.Json;
using SettingControl.DeviceProtocol;

namespace SettingControl.Mqtt.Conventions.Zigbee2Mqtt;

/// <summary>
/// A Zigbee2MQTT group: one <c>&lt;base&gt;/&lt;friendly_name&gt;/set</c> is one Zigbee broadcast to all its members.
/// Members are named by device id (the IEEE address in lower case), as bulbs are.
/// </summary>
public sealed record Zigbee2MqttGroup(int Id, string FriendlyName, IReadOnlySet<string> MemberDeviceIds);

/// <summary>
/// Reads the retained <c>&lt;base&gt;/bridge/groups</c> message:
/// <c>[{"id":1,"friendly_name":"room-1","members":[{"ieee_address":"0x…","endpoint":11}],"scenes":[]}]</c>.
/// A group whose name cannot be put into a topic, or with a member that is not an IEEE address, is skipped; a message
/// that is not such a list is refused whole (then the bridge's groups stay as they were).
/// </summary>
public static class Zigbee2MqttGroupList
{
    public readonly record struct Parsed(IReadOnlyList<Zigbee2MqttGroup> Groups, DropReason Reason);

    public static Parsed Parse(ReadOnlySpan<byte> json) =>
        ConventionJson.ReadObjectList(json, maxDepth: 16, ReadGroup, g => g.FriendlyName) is { } groups
            ? new Parsed(groups, DropReason.None)
            : new Parsed([], DropReason.InvalidJson);

    private static Zigbee2MqttGroup? ReadGroup(JsonElement group)
    {
        if (!group.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out var number) ||
            !group.TryGetProperty("friendly_name", out var name) || name.ValueKind != JsonValueKind.String ||
            !Zigbee2MqttTopics.IsUsableFriendlyName(name.GetString()!) ||
            !group.TryGetProperty("members", out var members) || members.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var memberIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members.EnumerateArray())
        {
            if (member.ValueKind != JsonValueKind.Object || !member.TryGetProperty("ieee_address", out var ieee) ||
                ieee.ValueKind != JsonValueKind.String || !Zigbee2MqttDeviceList.IsIeeeAddress(ieee.GetString()!))
            {
                return null;
            }

            memberIds.Add(Zigbee2MqttDeviceList.DeviceIdOf(ieee.GetString()!));
        }

        return new Zigbee2MqttGroup(number, name.GetString()!, memberIds);
    }
}
