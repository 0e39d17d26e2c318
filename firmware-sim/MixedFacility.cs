using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire.HomeAssistantJson;
using SettingControl.FirmwareSim.Wire.Tasmota;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

namespace SettingControl.FirmwareSim;

/// <summary>
/// What to run for rooms that mix conventions (the host's <c>--simulate-mix</c>): per room one Zigbee2MQTT bulb
/// (all rooms' bulbs on one bridge), one Tasmota dimmer and one ESPHome lamp (Home Assistant JSON) on their own
/// connections, and one v1 eye mask.
/// </summary>
/// <param name="Bridge">One bridge; bulb <c>room-{i}/ceiling</c> for room i.</param>
/// <param name="TasmotaLights">Topic <c>tasmota_room{i}</c> for room i.</param>
/// <param name="JsonLights">ESPHome lamp <c>room-{i}-lamp</c> (topics under <c>esphome/room-{i}-lamp/</c>) for room i.</param>
/// <param name="V1Devices">Device <c>room-{i}-mask</c> for room i.</param>
public sealed record MixedFacilityPlan(
    Zigbee2MqttBridgeOptions Bridge,
    IReadOnlyList<TasmotaLightOptions> TasmotaLights,
    IReadOnlyList<JsonLightOptions> JsonLights,
    IReadOnlyList<SimulatedDeviceOptions> V1Devices);

/// <summary>Builds <see cref="MixedFacilityPlan"/>s.</summary>
public static class MixedFacility
{
    /// <param name="login">Broker login for a client id (the bridge's, a Tasmota's, a lamp's, a v1 device's), if any.</param>
    public static MixedFacilityPlan ForRooms(
        int rooms,
        string host,
        int port,
        Func<string, (string? User, string? Password)>? login = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rooms);
        MqttEndpoint Endpoint(string clientId)
        {
            var (user, password) = login?.Invoke(clientId) ?? (null, null);
            return new MqttEndpoint { BrokerHost = host, BrokerPort = port, Username = user, Password = password };
        }

        var bridge = new Zigbee2MqttBridgeOptions
        {
            Broker = Endpoint("zigbee2mqtt-sim"),
            Bulbs = Zigbee2MqttBridgeOptions.DefaultBulbs(rooms),
        };
        var tasmota = Enumerable.Range(1, rooms).Select(i =>
        {
            var options = new TasmotaLightOptions { Topic = $"tasmota_room{i}" };
            return options with { Broker = Endpoint(options.ClientId) };
        }).ToArray();
        var lamps = Enumerable.Range(1, rooms).Select(i =>
        {
            var options = JsonLightOptions.Esphome($"room-{i}-lamp");
            return options with { Broker = Endpoint(options.ClientId) };
        }).ToArray();
        var masks = SimulatedFacility.ForRooms(rooms, host, port, DeviceTopics.DefaultBaseTopic, id => login?.Invoke(id) ?? (null, null))
            .Where(d => d.Kind == DeviceKinds.Mask)
            .ToArray();
        return new MixedFacilityPlan(bridge, tasmota, lamps, masks);
    }
}
