using System.Text.Json.Serialization;

namespace SettingControl.DeviceProtocol;

/// <summary>Retained on <c>announce</c>: who the device is and what it can do.</summary>
public sealed record AnnouncePayload(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("firmware")] string Firmware,
    [property: JsonPropertyName("capabilities")] CapabilitiesPayload? Capabilities = null);

public sealed record CapabilitiesPayload(
    [property: JsonPropertyName("minColorTempK")] int? MinColorTempK = null,
    [property: JsonPropertyName("maxColorTempK")] int? MaxColorTempK = null,
    [property: JsonPropertyName("maxTransitionMs")] int? MaxTransitionMs = null);

/// <summary>
/// Retained on <c>state</c>: the device's actual state. Lights send on/brightness/colorTempK;
/// masks send on/light/worn/battery.
/// </summary>
public sealed record StatePayload(
    [property: JsonPropertyName("on")] bool On,
    [property: JsonPropertyName("brightness")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Brightness = null,
    [property: JsonPropertyName("colorTempK")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ColorTempK = null,
    [property: JsonPropertyName("light")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Light = null,
    [property: JsonPropertyName("worn")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Worn = null,
    [property: JsonPropertyName("battery")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Battery = null);

/// <summary>
/// Sent by the controller on <c>set</c>. <see cref="CommandId"/> lets a device apply a QoS 1
/// redelivery once; <see cref="TransitionMs"/> is performed by the device itself.
/// </summary>
public sealed record SetPayload(
    [property: JsonPropertyName("commandId")] string CommandId,
    [property: JsonPropertyName("transitionMs")] int TransitionMs,
    [property: JsonPropertyName("on")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? On = null,
    [property: JsonPropertyName("brightness")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Brightness = null,
    [property: JsonPropertyName("colorTempK")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ColorTempK = null,
    [property: JsonPropertyName("light")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Light = null);

public static class Availability
{
    public const string Online = "online";
    public const string Offline = "offline";
}

public static class DeviceKinds
{
    public const string Light = "light";
    public const string Mask = "mask";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(AnnouncePayload))]
[JsonSerializable(typeof(StatePayload))]
[JsonSerializable(typeof(SetPayload))]
public sealed partial class DeviceProtocolJson : JsonSerializerContext;
