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

    /// <summary>A room's devices as it stores them; a device of unknown kind is refused.</summary>
    public static List<AssignedDevice> ToAssigned(this IReadOnlyList<DeviceAssignment> devices)
    {
        var assigned = new List<AssignedDevice>();
        foreach (var device in devices)
        {
            if (!TryParseKind(device.Kind, out var kind))
            {
                throw new ArgumentException($"Device '{device.DeviceId}' has unknown kind '{device.Kind}'.", nameof(devices));
            }

            assigned.Add(new AssignedDevice(device.DeviceId, kind));
        }

        return assigned;
    }

    public static LightingCommand ToCommand(this SetLightingRequest request) =>
        new(request.On, request.Brightness, request.ColorTempK, request.TransitionMs);

    public static MaskCommand ToCommand(this SetMaskRequest request) => new(request.On, request.Light, request.TransitionMs);

    public static ActualStateDto? ToDto(this DeviceActualState? a) =>
        a is null ? null : new ActualStateDto(a.On, a.Brightness, a.ColorTempK, a.Light, a.Worn, a.Battery);

    public static IReadOnlyList<FieldError> ToDto(this IReadOnlyList<ValidationError> errors) =>
        errors.Select(e => new FieldError(e.Field, e.Message)).ToArray();
}
