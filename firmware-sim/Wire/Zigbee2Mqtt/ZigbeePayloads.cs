using System.Text.Json;
using System.Text.Json.Nodes;
using SettingControl.FirmwareSim.Connection;

namespace SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

/// <summary>
/// The JSON a Zigbee2MQTT 2.x bridge publishes: <c>bridge/state</c>, <c>bridge/info</c>, <c>bridge/devices</c>,
/// <c>bridge/groups</c>, availability and device state. Bridge topics are written with sorted keys, as Zigbee2MQTT's
/// json-stable-stringify writes them; only the fields a client reads are filled, the rest is plausible and fixed.
/// </summary>
internal static class ZigbeePayloads
{
    /// <summary>The simulated coordinator (a TI Z-Stack adapter, the commonest kind).</summary>
    public const string CoordinatorIeeeAddress = "0x00124b0000000001";

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string BridgeState(bool online) => online ? """{"state":"online"}""" : """{"state":"offline"}""";

    public static Publication Availability(string topic, bool online, bool legacy)
    {
        var word = online ? "online" : "offline";
        return Publication.Retained(topic, legacy ? word : $$"""{"state":"{{word}}"}""");
    }

    /// <remarks>Zigbee2MQTT adds the radio's link quality to every report; the simulator's is plausible and fixed.</remarks>
    public static string State(ZigbeeBulbState state) =>
        $$"""{"brightness":{{state.Brightness}},"color_mode":"color_temp","color_temp":{{state.ColorTemp}},"linkquality":160,"state":"{{(state.On ? "ON" : "OFF")}}"}""";

    public static string BridgeInfo(Zigbee2MqttBridgeOptions options, IReadOnlyList<ZigbeeBulb> bulbs, bool legacyAvailability)
    {
        var devices = new JsonObject();
        foreach (var bulb in bulbs)
        {
            devices[bulb.IeeeAddress] = new JsonObject { ["friendly_name"] = bulb.FriendlyName };
        }

        var groups = new JsonObject();
        foreach (var group in options.Groups)
        {
            groups[group.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject { ["friendly_name"] = group.FriendlyName };
        }

        var info = new JsonObject
        {
            ["version"] = options.Version,
            ["commit"] = "firmware-sim",
            ["zigbee_herdsman_converters"] = new JsonObject { ["version"] = BulbDefinitions.Source.Split(' ')[^1] },
            ["coordinator"] = new JsonObject { ["ieee_address"] = CoordinatorIeeeAddress, ["type"] = "zStack3x0", ["meta"] = new JsonObject() },
            ["network"] = new JsonObject { ["channel"] = 11, ["pan_id"] = 6754, ["extended_pan_id"] = "0xdddddddddddddddd" },
            ["log_level"] = "info",
            ["permit_join"] = false,
            ["restart_required"] = false,
            ["config"] = new JsonObject
            {
                ["mqtt"] = new JsonObject { ["base_topic"] = options.BaseTopic, ["server"] = $"mqtt://{options.Broker.BrokerHost}:{options.Broker.BrokerPort}" },
                ["advanced"] = new JsonObject { ["legacy_availability_payload"] = legacyAvailability, ["log_level"] = "info" },
                ["availability"] = new JsonObject { ["enabled"] = true },
                ["homeassistant"] = new JsonObject { ["enabled"] = false },
                ["devices"] = devices,
                ["groups"] = groups,
            },
        };
        return Sorted(info);
    }

    public static string BridgeDevices(IReadOnlyList<ZigbeeBulb> bulbs)
    {
        var list = new JsonArray
        {
            new JsonObject
            {
                ["ieee_address"] = CoordinatorIeeeAddress,
                ["type"] = "Coordinator",
                ["network_address"] = 0,
                ["supported"] = true,
                ["friendly_name"] = "Coordinator",
                ["disabled"] = false,
                ["definition"] = null,
                ["interviewing"] = false,
                ["interview_completed"] = true,
                ["interview_state"] = "SUCCESSFUL",
                ["endpoints"] = new JsonObject { ["1"] = Endpoint([], []) },
            },
        };
        foreach (var bulb in bulbs)
        {
            var definition = bulb.Definition;
            list.Add(new JsonObject
            {
                ["ieee_address"] = bulb.IeeeAddress,
                ["type"] = "Router",
                ["network_address"] = NetworkAddress(bulb.IeeeAddress),
                ["supported"] = true,
                ["friendly_name"] = bulb.FriendlyName,
                ["disabled"] = false,
                ["definition"] = definition.DefinitionJson(),
                ["power_source"] = definition.PowerSource,
                ["model_id"] = definition.ZigbeeModelId,
                ["manufacturer"] = definition.Manufacturer,
                ["software_build_id"] = "1.0.0",
                ["date_code"] = "20240101",
                ["interviewing"] = false,
                ["interview_completed"] = true,
                ["interview_state"] = "SUCCESSFUL",
                ["endpoints"] = new JsonObject
                {
                    [definition.Endpoint.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Endpoint(
                        ["genBasic", "genIdentify", "genGroups", "genScenes", "genOnOff", "genLevelCtrl", "lightingColorCtrl"],
                        ["genOta"]),
                },
            });
        }

        return Sorted(list);
    }

    public static string BridgeGroups(IReadOnlyList<ZigbeeGroupOptions> groups, Func<string, ZigbeeBulb> bulb)
    {
        var list = new JsonArray();
        foreach (var group in groups)
        {
            var members = new JsonArray();
            foreach (var member in group.Members.Select(bulb))
            {
                members.Add(new JsonObject { ["ieee_address"] = member.IeeeAddress, ["endpoint"] = member.Definition.Endpoint });
            }

            list.Add(new JsonObject { ["id"] = group.Id, ["friendly_name"] = group.FriendlyName, ["scenes"] = new JsonArray(), ["members"] = members });
        }

        return Sorted(list);
    }

    private static JsonObject Endpoint(string[] input, string[] output) => new()
    {
        ["bindings"] = new JsonArray(),
        ["configured_reportings"] = new JsonArray(),
        ["scenes"] = new JsonArray(),
        ["clusters"] = new JsonObject
        {
            ["input"] = new JsonArray([.. input.Select(c => (JsonNode)c)]),
            ["output"] = new JsonArray([.. output.Select(c => (JsonNode)c)]),
        },
    };

    /// <summary>A stable 16-bit short address from the IEEE address (never 0, which is the coordinator's).</summary>
    private static int NetworkAddress(string ieeeAddress) => (int)(Convert.ToUInt64(ieeeAddress[2..], 16) % 0xFFF0) + 1;

    private static string Sorted(JsonNode node) => SortKeys(node)?.ToJsonString(Compact) ?? "null";

    private static JsonNode? SortKeys(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, SortKeys(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(SortKeys)]),
        _ => node?.DeepClone(),
    };
}
