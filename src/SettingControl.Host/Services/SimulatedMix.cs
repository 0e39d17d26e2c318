using SettingControl.Contracts;
using SettingControl.FirmwareSim;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;
using SettingControl.Mqtt.Bridges;
using SettingControl.Mqtt.Conventions.HomeAssistantJson;
using SettingControl.Mqtt.Conventions.Tasmota;
using SettingControl.Mqtt.Security;

namespace SettingControl.Host.Services;

/// <summary>
/// With <c>--simulate N --simulate-mix</c> the simulated rooms mix the conventions a clinic buys (firmware-sim's
/// <see cref="MixedFacility"/>): each room has a Zigbee bulb behind one simulated Zigbee2MQTT bridge, a Tasmota dimmer,
/// an ESPHome lamp (Home Assistant JSON) and a SettingControl v1 eye mask. The bridge, the dimmers and the lamps are
/// registered as staff register real ones, so they show in the staff console as real ones do; their passwords are kept with the other simulated devices'
/// (<see cref="SimulatedDeviceCredentials"/>), so a restarted host reuses them.
/// </summary>
public static class SimulatedMix
{
    public const string BridgeName = "Simulated Zigbee2MQTT bridge";

    /// <summary>The Tasmota topic of room <paramref name="room"/>'s dimmer, as <see cref="MixedFacility"/> runs it.</summary>
    public static string TasmotaTopic(int room) => $"tasmota_room{room}";

    /// <summary>Room <paramref name="room"/>'s lamp's name; registering it under that name gives it <see cref="LampDeviceId"/>.</summary>
    public static string LampName(int room) => $"Room {room} lamp";

    public static string LampDeviceId(int room) => $"{JsonLightDirectory.DeviceIdPrefix}room-{room}-lamp";

    /// <summary>The mixed rooms room-1 … room-N: the bulb, the dimmer and the lamp as lights, the v1 mask as the mask.</summary>
    public static IEnumerable<RoomDefinition> Rooms(int count)
    {
        var bulbs = Zigbee2MqttBridgeOptions.DefaultBulbs(count);
        for (var i = 1; i <= count; i++)
        {
            yield return new RoomDefinition(
                $"room-{i}",
                $"Room {i}",
                [
                    new DeviceAssignment(bulbs[i - 1].EffectiveIeeeAddress.ToLowerInvariant(), "light"),
                    new DeviceAssignment(TasmotaDirectory.DeviceIdOf(TasmotaTopic(i)), "light"),
                    new DeviceAssignment(LampDeviceId(i), "light"),
                    new DeviceAssignment($"room-{i}-mask", "mask"),
                ]);
        }
    }

    /// <summary>
    /// Registers the bridge and the dimmers that are not registered yet and gives every simulated client its login,
    /// by MQTT client id (what <see cref="MixedFacility.ForRooms"/> asks for).
    /// </summary>
    public static IReadOnlyDictionary<string, (string User, string Password)> EnsureLogins(
        int rooms, BridgeDirectory bridges, TasmotaDirectory tasmota, JsonLightDirectory lamps, MqttAccountStore accounts, string dataDirectory, TimeProvider time)
    {
        var plan = MixedFacility.ForRooms(rooms, "127.0.0.1", 1883);
        var logins = new Dictionary<string, (string User, string Password)>(StringComparer.Ordinal);

        var baseTopic = plan.Bridge.BaseTopic;
        var bridge = bridges.List().FirstOrDefault(b => b.BaseTopic == baseTopic);
        string? newPassword = null;
        if (bridge is null)
        {
            (bridge, newPassword, var refusals) = bridges.Register(BridgeDirectory.Zigbee2MqttKind, baseTopic, BridgeName);
            if (bridge is null)
            {
                throw new InvalidOperationException($"The simulated bridge could not be registered: {string.Join(" ", refusals.Select(r => r.Message))}");
            }
        }

        var bridgeId = bridge.BridgeId;
        logins[plan.Bridge.ClientId] = (bridgeId, SimulatedDeviceCredentials.EnsureLogin(
            accounts, dataDirectory, bridgeId, newPassword, () => accounts.IssueBridge(bridgeId, baseTopic)));

        for (var i = 0; i < plan.TasmotaLights.Count; i++)
        {
            var light = plan.TasmotaLights[i];
            var deviceId = TasmotaDirectory.DeviceIdOf(light.Topic);
            newPassword = null;
            if (tasmota.List().All(d => d.DeviceId != deviceId))
            {
                (_, newPassword, var refusals) = tasmota.Register(light.Topic, $"Room {i + 1} dimmer (simulated)", time.GetUtcNow());
                if (newPassword is null)
                {
                    throw new InvalidOperationException($"The simulated dimmer {light.Topic} could not be registered: {string.Join(" ", refusals.Select(r => r.Message))}");
                }
            }

            logins[light.ClientId] = (deviceId, SimulatedDeviceCredentials.EnsureLogin(
                accounts, dataDirectory, deviceId, newPassword, () => accounts.IssueTasmota(deviceId, light.Topic)));
        }

        for (var i = 0; i < plan.JsonLights.Count; i++)
        {
            var lamp = plan.JsonLights[i];
            var deviceId = LampDeviceId(i + 1);
            newPassword = null;
            if (lamps.List().All(d => d.DeviceId != deviceId))
            {
                (var registered, newPassword, var refusals) = lamps.Register(
                    new JsonLightRequest(LampName(i + 1), lamp.CommandTopic, lamp.StateTopic, lamp.AvailabilityTopic), time.GetUtcNow());
                if (registered?.DeviceId != deviceId)
                {
                    throw new InvalidOperationException($"The simulated lamp {LampName(i + 1)} could not be registered as {deviceId}: {string.Join(" ", refusals.Select(r => r.Message))}");
                }
            }

            logins[lamp.ClientId] = (deviceId, SimulatedDeviceCredentials.EnsureLogin(
                accounts, dataDirectory, deviceId, newPassword, () => accounts.IssueJsonLight(deviceId)));
        }

        var masks = plan.V1Devices.Select(d => d.DeviceId).ToArray();
        foreach (var (id, password) in SimulatedDeviceCredentials.Ensure(accounts, dataDirectory, masks).Where(p => masks.Contains(p.Key)))
        {
            logins[id] = (id, password);
        }

        return logins;
    }
}
