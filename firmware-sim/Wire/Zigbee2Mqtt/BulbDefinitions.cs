using System.Text.Json.Nodes;

namespace SettingControl.FirmwareSim.Wire.Zigbee2Mqtt;

/// <summary>
/// One real bulb as Zigbee2MQTT knows it: its definition (exactly as Zigbee2MQTT publishes it in
/// <c>bridge/devices</c>) and what the simulator reads from it, chiefly the <c>color_temp</c> range.
/// </summary>
public sealed class BulbDefinition
{
    private readonly JsonObject _definition;

    internal BulbDefinition(JsonObject entry)
    {
        _definition = entry["definition"]?.AsObject() ?? throw new InvalidDataException("bulb entry without a definition");
        Model = Text(_definition, "model");
        Vendor = Text(_definition, "vendor");
        Description = Text(_definition, "description");
        ZigbeeModelId = Text(entry, "model_id");
        Manufacturer = Text(entry, "manufacturer");
        PowerSource = Text(entry, "power_source");
        Endpoint = entry["endpoint"]?.GetValue<int>() ?? 1;

        var colorTemp = LightFeatures().FirstOrDefault(f => (string?)f["name"] == "color_temp")
                        ?? throw new InvalidDataException($"{Model} exposes no color_temp");
        ColorTempMin = colorTemp["value_min"]!.GetValue<int>();
        ColorTempMax = colorTemp["value_max"]!.GetValue<int>();
        ColorTempPresets = (colorTemp["presets"]?.AsArray() ?? [])
            .Select(p => (Name: (string)p!["name"]!, Value: p["value"]!.GetValue<int>()))
            .ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        if (ColorTempMin < LightOutput.MinMireds || ColorTempMax > LightOutput.MaxMireds || ColorTempMin >= ColorTempMax)
        {
            throw new InvalidDataException($"{Model}: color_temp {ColorTempMin}-{ColorTempMax} is outside what the simulator models");
        }
    }

    /// <summary>Zigbee2MQTT's model name, e.g. <c>LED1545G12</c>.</summary>
    public string Model { get; }

    public string Vendor { get; }

    public string Description { get; }

    /// <summary>What the bulb itself reports as its model (<c>model_id</c> in <c>bridge/devices</c>).</summary>
    public string ZigbeeModelId { get; }

    public string Manufacturer { get; }

    public string PowerSource { get; }

    /// <summary>The bulb's light endpoint (group members name it).</summary>
    public int Endpoint { get; }

    /// <summary>Coolest colour temperature, in mireds (the <c>color_temp</c> feature's <c>value_min</c>).</summary>
    public int ColorTempMin { get; }

    /// <summary>Warmest colour temperature, in mireds (<c>value_max</c>).</summary>
    public int ColorTempMax { get; }

    /// <summary>Named colour temperatures a command may use instead of a number (<c>coolest</c>, <c>warm</c>, …).</summary>
    public IReadOnlyDictionary<string, int> ColorTempPresets { get; }

    /// <summary>A fresh copy of the definition object, ready to be put into a <c>bridge/devices</c> entry.</summary>
    internal JsonObject DefinitionJson() => (JsonObject)_definition.DeepClone();

    private static string Text(JsonObject o, string name) => (string?)o[name] ?? throw new InvalidDataException($"bulb entry without '{name}'");

    private IEnumerable<JsonObject> LightFeatures() => (_definition["exposes"]?.AsArray() ?? [])
        .OfType<JsonObject>()
        .Where(e => (string?)e["type"] == "light")
        .SelectMany(e => e["features"]?.AsArray() ?? [])
        .OfType<JsonObject>();
}

/// <summary>
/// The bulbs in <c>Definitions/bulbs.json</c> (embedded), generated from zigbee-herdsman-converters by
/// <c>Definitions/generate.mjs</c>; see <c>Definitions/README.md</c>.
/// </summary>
public static class BulbDefinitions
{
    /// <summary>Hue white ambiance E26/E27: the model a bulb gets when none is named.</summary>
    public const string DefaultModel = "8718696548738";

    private static readonly Lazy<(string Source, IReadOnlyList<BulbDefinition> All)> Loaded = new(Load);

    /// <summary>Where the data came from, e.g. <c>zigbee-herdsman-converters 26.112.0</c>.</summary>
    public static string Source => Loaded.Value.Source;

    public static IReadOnlyList<BulbDefinition> All => Loaded.Value.All;

    /// <exception cref="ArgumentException">No such model in the data.</exception>
    public static BulbDefinition ByModel(string model) =>
        All.FirstOrDefault(d => string.Equals(d.Model, model, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown bulb model '{model}' (known: {string.Join(", ", All.Select(d => d.Model))})", nameof(model));

    private static (string, IReadOnlyList<BulbDefinition>) Load()
    {
        using var stream = typeof(BulbDefinitions).Assembly.GetManifestResourceStream("SettingControl.FirmwareSim.bulbs.json")
                           ?? throw new InvalidOperationException("bulbs.json is not embedded in firmware-sim");
        var root = JsonNode.Parse(stream)?.AsObject() ?? throw new InvalidDataException("bulbs.json is empty");
        var bulbs = (root["bulbs"]?.AsArray() ?? []).OfType<JsonObject>().Select(b => new BulbDefinition(b)).ToArray();
        return ((string?)root["source"] ?? "unknown", bulbs);
    }
}
