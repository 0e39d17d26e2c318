using SettingControl.Contracts;
using SettingControl.Domain;

namespace SettingControl.Grains;

/// <summary>Translations between domain values and the DTOs that leave the grain.</summary>
internal static class Mapping
{
    public static DesiredStateDto ToDto(this DesiredRoomState desired) => new(
        new LightingDto(desired.Lighting.On, desired.Lighting.Brightness, desired.Lighting.ColorTempK),
        new MaskDto(desired.Mask.On, desired.Mask.Light));

    public static string ToWire(this DeviceKind kind) => kind == DeviceKind.Mask ? "mask" : "light";

    public static string ToWire(this DeviceAvailability availability) => availability switch
    {
        DeviceAvailability.Online => "online",
        DeviceAvailability.Offline => "offline",
        _ => "unknown",
    };

    public static bool TryParseKind(string? kind, out DeviceKind parsed)
    {
        switch (kind)
        {
            case "light":
                parsed = DeviceKind.Light;
                return true;
            case "mask":
                parsed = DeviceKind.Mask;
                return true;
            default:
                parsed = default;
                return false;
        }
    }

    public static LightingCommand ToCommand(this SetLightingRequest request) =>
        new(request.On, request.Brightness, request.ColorTempK, request.TransitionMs);

    public static MaskCommand ToCommand(this SetMaskRequest request) => new(request.On, request.Light);

    public static ActualStateDto? ToDto(this DeviceActualState? a) =>
        a is null ? null : new ActualStateDto(a.On, a.Brightness, a.ColorTempK, a.Light, a.Worn, a.Battery);

    public static IReadOnlyList<FieldError> ToDto(this IReadOnlyList<ValidationError> errors) =>
        errors.Select(e => new FieldError(e.Field, e.Message)).ToArray();
}
