using System.Globalization;
using Microsoft.Extensions.Logging;
using SettingControl.DeviceProtocol;
using SettingControl.FirmwareSim.Connection;
using SettingControl.FirmwareSim.Wire.HomeAssistantJson;
using SettingControl.FirmwareSim.Wire.Tasmota;
using SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

namespace SettingControl.FirmwareSim;

/// <summary>Which device convention the command line plays.</summary>
internal enum Convention
{
    /// <summary>SettingControl device protocol v1: one connection per light or mask.</summary>
    V1,

    /// <summary>One Zigbee2MQTT 2.x bridge with every room's bulbs on one connection.</summary>
    Zigbee2Mqtt,

    /// <summary>Tasmota CCT lights, one connection each.</summary>
    Tasmota,

    /// <summary>Home Assistant JSON lights as ESPHome plays them, one connection each.</summary>
    HomeAssistant,
}

/// <summary>The firmware-sim command line, parsed by hand to keep the tool free of extra packages.</summary>
internal sealed record CommandLine
{
    public const string Usage = """
        firmware-sim: simulated treatment-room lights and eye masks over MQTT (device protocol v1,
        or a Zigbee2MQTT bridge, or Tasmota lights, or Home Assistant JSON lights)

        Usage: firmware-sim [options]

          --convention C         v1 (default), zigbee2mqtt, tasmota or homeassistant:
                                   v1           per room room-{i}-light-1, room-{i}-light-2, room-{i}-mask
                                   zigbee2mqtt  ONE bridge (client id zigbee2mqtt-sim) with bulb
                                                room-{i}/ceiling per room, all on one connection
                                   tasmota      per room one Tasmota light, topic tasmota_room{i}
                                   homeassistant  per room one ESPHome JSON light room-{i}-lamp on
                                                esphome/room-{i}-lamp/light/command|state and
                                                esphome/room-{i}-lamp/status, client id
                                                jsonlight-room-{i}-lamp
          --broker HOST:PORT     MQTT broker (default 127.0.0.1:1883)
          --rooms N              simulate N rooms (default 1; 0 when only --device is given)
          --device ID:KIND       add one v1 device, KIND is light or mask (repeatable; v1 only)
          --base-topic TOPIC     MQTT base topic (default settingcontrol for v1, zigbee2mqtt for
                                 zigbee2mqtt; tasmota and homeassistant have none)
          --username USER        broker login for every client (default: each logs in as its own id)
          --password PASS        broker password for every client
          --credentials-file F   JSON object of client id -> password; each client logs in as its own id
                                 (the host writes data/simulated-device-credentials.json with --simulate)
          --tls                  connect with TLS (the broker's certificate is always validated)
          --ca-file PEM          trust this CA for the broker's certificate instead of the system's roots
          --keep-alive SEC       MQTT keep-alive (default 5): the broker declares a silent device
                                 offline (last will) after 1.5 x SEC
          --report-ms N          state report interval during fades (default 100; 1000 for zigbee2mqtt,
                                 500 for homeassistant)

        Fault switches (apply to every client: each v1 device, the bridge, each Tasmota or JSON light):
          --offline-after SEC    crash (drop the connection, broker sends the will) SEC seconds after start
          --reboot-after SEC     power-cycle once SEC seconds after start (factory state, announce again)
          --drop-commands        ignore every incoming command
          --delay-ms N           apply each command N ms late
          --full-white-after-power-cut
                                 homeassistant only: a light back from --reboot-after is on at full
                                 white (ESPHome restore_mode ALWAYS_ON) instead of as it was
          --garbage N            once online, publish N malformed payloads on each client's own topics,
                                 then restore its valid retained topics

          --help                 show this text

        Runs until Ctrl+C (or SIGTERM), then publishes offline and disconnects. Exit code 2 means bad arguments.
        """;

    private readonly string? _baseTopic;
    private readonly int? _reportIntervalMs;

    public Convention Convention { get; init; } = Convention.V1;

    public string BrokerHost { get; init; } = "127.0.0.1";

    public int BrokerPort { get; init; } = 1883;

    public int Rooms { get; init; } = 1;

    public IReadOnlyList<(string Id, string Kind)> Devices { get; init; } = [];

    /// <summary>Defaults by convention: <c>settingcontrol</c> for v1, <c>zigbee2mqtt</c> for the bridge.</summary>
    public string BaseTopic
    {
        get => _baseTopic ?? (Convention == Convention.Zigbee2Mqtt ? Zigbee2MqttBridgeOptions.DefaultBaseTopic : DeviceTopics.DefaultBaseTopic);
        init => _baseTopic = value;
    }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Defaults by convention: 100 ms for v1, 1000 ms for the bridge (Zigbee2MQTT's own pace), 500 ms for a JSON light.</summary>
    public int ReportIntervalMs
    {
        get => _reportIntervalMs ?? Convention switch { Convention.Zigbee2Mqtt => 1000, Convention.HomeAssistant => 500, _ => 100 };
        init => _reportIntervalMs = value;
    }

    public string? CredentialsFile { get; init; }

    public int KeepAliveSeconds { get; init; } = 5;

    public bool UseTls { get; init; }

    public string? CaFile { get; init; }

    public TimeSpan? OfflineAfter { get; init; }

    public TimeSpan? RebootAfter { get; init; }

    public bool DropCommands { get; init; }

    public TimeSpan CommandDelay { get; init; }

    public int Garbage { get; init; }

    /// <summary>JSON lights back from a power cut are on at full white rather than as they were.</summary>
    public bool FullWhiteAfterPowerCut { get; init; }

    public bool Help { get; init; }

    /// <summary>Accepts <c>--flag value</c> and <c>--flag=value</c>. On failure <paramref name="error"/> says which argument is wrong.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out CommandLine result, out string error)
    {
        result = new CommandLine();
        error = string.Empty;
        var devices = new List<(string Id, string Kind)>();
        int? rooms = null;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                string? inlineValue = null;
                var equals = arg.IndexOf('=', StringComparison.Ordinal);
                if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
                {
                    inlineValue = arg[(equals + 1)..];
                    arg = arg[..equals];
                }

                string Value()
                {
                    if (inlineValue is not null)
                    {
                        return inlineValue;
                    }

                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new FormatException($"{arg} needs a value");
                    }

                    return args[++i];
                }

                void NoValue()
                {
                    if (inlineValue is not null)
                    {
                        throw new FormatException($"{arg} takes no value");
                    }
                }

                switch (arg)
                {
                    case "--help" or "-h":
                        NoValue();
                        result = result with { Help = true };
                        break;
                    case "--convention":
                        result = result with { Convention = ParseConvention(Value()) };
                        break;
                    case "--broker":
                        var (host, port) = ParseBroker(Value());
                        result = result with { BrokerHost = host, BrokerPort = port };
                        break;
                    case "--rooms":
                        rooms = ParseInt(arg, Value(), min: 0, max: 1000);
                        break;
                    case "--device":
                        devices.Add(ParseDevice(Value()));
                        break;
                    case "--base-topic":
                        var baseTopic = Value();
                        _ = new DeviceTopics(baseTopic);
                        result = result with { BaseTopic = baseTopic };
                        break;
                    case "--username":
                        result = result with { Username = Value() };
                        break;
                    case "--password":
                        result = result with { Password = Value() };
                        break;
                    case "--credentials-file":
                        result = result with { CredentialsFile = Value() };
                        break;
                    case "--tls":
                        NoValue();
                        result = result with { UseTls = true };
                        break;
                    case "--ca-file":
                        result = result with { CaFile = Value(), UseTls = true };
                        break;
                    case "--keep-alive":
                        result = result with { KeepAliveSeconds = ParseInt(arg, Value(), min: 1, max: 3600) };
                        break;
                    case "--report-ms":
                        result = result with { ReportIntervalMs = ParseInt(arg, Value(), min: 10, max: 60_000) };
                        break;
                    case "--offline-after":
                        result = result with { OfflineAfter = ParseSeconds(arg, Value()) };
                        break;
                    case "--reboot-after":
                        result = result with { RebootAfter = ParseSeconds(arg, Value()) };
                        break;
                    case "--drop-commands":
                        NoValue();
                        result = result with { DropCommands = true };
                        break;
                    case "--delay-ms":
                        result = result with { CommandDelay = TimeSpan.FromMilliseconds(ParseInt(arg, Value(), min: 0, max: 3_600_000)) };
                        break;
                    case "--full-white-after-power-cut":
                        NoValue();
                        result = result with { FullWhiteAfterPowerCut = true };
                        break;
                    case "--garbage":
                        result = result with { Garbage = ParseInt(arg, Value(), min: 0, max: 100_000) };
                        break;
                    default:
                        throw new FormatException($"unknown argument '{args[i]}'");
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            error = ex.Message;
            return false;
        }

        var duplicate = devices.GroupBy(d => d.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            error = $"device '{duplicate.Key}' is given more than once";
            return false;
        }

        if (result.Convention != Convention.V1 && devices.Count > 0)
        {
            error = "--device gives v1 devices only; with --convention zigbee2mqtt, tasmota or homeassistant use --rooms N";
            return false;
        }

        if (result.Convention == Convention.Tasmota && result._baseTopic is not null)
        {
            error = "--base-topic does not apply to --convention tasmota (its topics are cmnd|stat|tele/<topic>/...)";
            return false;
        }

        if (result.Convention == Convention.HomeAssistant && result._baseTopic is not null)
        {
            error = "--base-topic does not apply to --convention homeassistant (each light's topics are esphome/<name>/...)";
            return false;
        }

        if (result.FullWhiteAfterPowerCut && result.Convention != Convention.HomeAssistant)
        {
            error = "--full-white-after-power-cut applies to --convention homeassistant only";
            return false;
        }

        // --device alone means "just these devices"; together with --rooms both are simulated.
        result = result with { Rooms = rooms ?? (devices.Count > 0 ? 0 : 1), Devices = devices };
        if (!result.Help && result.Rooms == 0 && devices.Count == 0)
        {
            error = "nothing to simulate: give --rooms N (N > 0) or --device ID:KIND";
            return false;
        }

        return true;
    }

    /// <summary>
    /// The clients to simulate for the chosen <see cref="Convention"/>, each with the command line's broker, login,
    /// TLS and keep-alive.
    /// </summary>
    /// <exception cref="ArgumentException">Credentials file unreadable, a clash between devices, or invalid options.</exception>
    public IReadOnlyList<SimulatedClient> ToClients(TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return Convention switch
        {
            Convention.Zigbee2Mqtt => [new Zigbee2MqttBridge(ToBridgeOptions(), time, loggerFactory.CreateLogger<Zigbee2MqttBridge>())],
            Convention.Tasmota => [.. ToTasmotaOptions().Select(o => new SimulatedTasmotaLight(o, time, loggerFactory.CreateLogger<SimulatedTasmotaLight>()))],
            Convention.HomeAssistant => [.. ToJsonLightOptions().Select(o => new SimulatedJsonLight(o, time, loggerFactory.CreateLogger<SimulatedJsonLight>()))],
            _ => [.. ToDeviceOptions().Select(o => new SimulatedDevice(o, time, loggerFactory.CreateLogger<SimulatedDevice>()))],
        };
    }

    /// <summary>One Zigbee2MQTT bridge with bulb <c>room-{i}/ceiling</c> per room (<c>--convention zigbee2mqtt</c>).</summary>
    public Zigbee2MqttBridgeOptions ToBridgeOptions()
    {
        var login = LoginFor();
        var bridge = new Zigbee2MqttBridgeOptions
        {
            BaseTopic = BaseTopic,
            Bulbs = Zigbee2MqttBridgeOptions.DefaultBulbs(Rooms),
            ReportIntervalMs = ReportIntervalMs,
        };
        return bridge with { Broker = Endpoint(bridge.ClientId, login) };
    }

    /// <summary>One Tasmota light per room, topic <c>tasmota_room{i}</c> (<c>--convention tasmota</c>).</summary>
    public IReadOnlyList<TasmotaLightOptions> ToTasmotaOptions()
    {
        var login = LoginFor();
        return Enumerable.Range(1, Rooms).Select(i =>
        {
            var light = new TasmotaLightOptions { Topic = $"tasmota_room{i}" };
            return light with { Broker = Endpoint(light.ClientId, login) };
        }).ToArray();
    }

    /// <summary>
    /// One ESPHome JSON light per room, <c>room-{i}-lamp</c> under <c>esphome/room-{i}-lamp/</c> (<c>--convention
    /// homeassistant</c>); its client id is the device id staff get when registering it as "Room {i} lamp".
    /// </summary>
    public IReadOnlyList<JsonLightOptions> ToJsonLightOptions()
    {
        var login = LoginFor();
        return Enumerable.Range(1, Rooms).Select(i =>
        {
            var light = JsonLightOptions.Esphome($"room-{i}-lamp") with
            {
                ReportIntervalMs = ReportIntervalMs,
                ComesBackAtFullWhite = FullWhiteAfterPowerCut,
            };
            return light with { Broker = Endpoint(light.ClientId, login) };
        }).ToArray();
    }

    /// <summary>The devices to simulate: the standard rooms first, then the explicit ones.</summary>
    public IReadOnlyList<SimulatedDeviceOptions> ToDeviceOptions()
    {
        var login = LoginFor();
        var rooms = SimulatedFacility.ForRooms(Rooms, BrokerHost, BrokerPort, BaseTopic, login);
        var all = rooms.Concat(Devices.Select(d => SimulatedFacility.Device(d.Id, d.Kind, BrokerHost, BrokerPort, BaseTopic, login)))
            .Select(WithReportInterval)
            .ToList();

        var clash = all.GroupBy(d => d.DeviceId).FirstOrDefault(g => g.Count() > 1);
        return clash is null ? all : throw new ArgumentException($"device '{clash.Key}' clashes with a room device");

        SimulatedDeviceOptions WithReportInterval(SimulatedDeviceOptions o) =>
            o with { ReportIntervalMs = ReportIntervalMs, KeepAliveSeconds = KeepAliveSeconds, UseTls = UseTls, CaFile = CaFile };
    }

    /// <summary>The login of a client id: its own from the credentials file, else the shared --username/--password.</summary>
    private Func<string, (string? User, string? Password)> LoginFor()
    {
        var perClient = CredentialsFile is null ? null : LoadCredentials(CredentialsFile);
        return id => perClient is not null ? (perClient.TryGetValue(id, out var password) ? (id, password) : (null, null)) : (Username, Password);
    }

    private MqttEndpoint Endpoint(string clientId, Func<string, (string? User, string? Password)> login)
    {
        var (user, password) = login(clientId);
        return new MqttEndpoint
        {
            BrokerHost = BrokerHost,
            BrokerPort = BrokerPort,
            Username = user,
            Password = password,
            UseTls = UseTls,
            CaFile = CaFile,
            KeepAliveSeconds = KeepAliveSeconds,
        };
    }

    private static Convention ParseConvention(string value) => value switch
    {
        "v1" => Convention.V1,
        "zigbee2mqtt" => Convention.Zigbee2Mqtt,
        "tasmota" => Convention.Tasmota,
        "homeassistant" => Convention.HomeAssistant,
        _ => throw new FormatException($"--convention '{value}' is unknown (use v1, zigbee2mqtt, tasmota or homeassistant)"),
    };

    private static Dictionary<string, string> LoadCredentials(string path)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
                   ?? throw new ArgumentException($"--credentials-file '{path}' is empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"--credentials-file '{path}' cannot be read: {ex.Message}");
        }
    }

    private static (string Host, int Port) ParseBroker(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            throw new FormatException($"--broker expects HOST:PORT, got '{value}'");
        }

        // Accept [::1]:1883 for IPv6 literals.
        var host = value[..colon].Trim('[', ']');
        var port = ParseInt("--broker port", value[(colon + 1)..], min: 1, max: 65535);
        return string.IsNullOrWhiteSpace(host) ? throw new FormatException($"--broker has an empty host in '{value}'") : (host, port);
    }

    private static (string Id, string Kind) ParseDevice(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new FormatException($"--device expects ID:KIND, got '{value}'");
        }

        var id = value[..colon];
        var kind = value[(colon + 1)..];
        if (!DeviceIds.IsValid(id))
        {
            throw new FormatException($"--device id '{id}' is invalid (use a-z, 0-9, '-', '_'; at most 64)");
        }

        return kind is DeviceKinds.Light or DeviceKinds.Mask
            ? (id, kind)
            : throw new FormatException($"--device kind '{kind}' is unknown (use light or mask)");
    }

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{name} expects a whole number from {min} to {max}, got '{value}'");

    private static TimeSpan ParseSeconds(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && s <= 86_400
            ? TimeSpan.FromSeconds(s)
            : throw new FormatException($"{name} expects seconds (> 0, at most 86400), got '{value}'");
}
