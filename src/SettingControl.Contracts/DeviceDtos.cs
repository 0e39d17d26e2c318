namespace SettingControl.Contracts;

/// <summary>
/// What a device said about itself in its announcement (or what its bridge said about it). <see cref="Convention"/>
/// is how it speaks MQTT; <see cref="Name"/> a name it already has elsewhere (a Zigbee2MQTT friendly name).
/// </summary>
[GenerateSerializer, Immutable, Alias("sc.Announcement")]
public sealed record DeviceAnnouncement(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Model,
    [property: Id(3)] string Firmware,
    [property: Id(4)] int? MinColorTempK,
    [property: Id(5)] int? MaxColorTempK,
    [property: Id(6)] int? MaxTransitionMs,
    [property: Id(7)] string? Convention = null,
    [property: Id(8)] string? Name = null,
    [property: Id(9)] string? Vendor = null);

/// <summary>A device's reported actual state, as received from the device link.</summary>
[GenerateSerializer, Immutable, Alias("sc.DeviceReport")]
public sealed record DeviceStateReport([property: Id(0)] ActualStateDto State, [property: Id(1)] DateTimeOffset ReceivedAt);

/// <summary>A device as the facility's registry knows it.</summary>
[GenerateSerializer, Immutable, Alias("sc.DeviceInfo")]
public sealed record DeviceInfoDto(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string? Kind,
    [property: Id(2)] string? Model,
    [property: Id(3)] string? Firmware,
    [property: Id(4)] string? RoomId,
    [property: Id(5)] string Availability,
    [property: Id(6)] DateTimeOffset? LastSeen,
    [property: Id(7)] string? Convention = null,
    [property: Id(8)] string? Name = null,
    [property: Id(9)] string? Vendor = null,
    [property: Id(10)] int? MinColorTempK = null,
    [property: Id(11)] int? MaxColorTempK = null);

/// <summary>A room to create, with its devices (used for seeding from configuration and by --simulate).</summary>
[GenerateSerializer, Immutable, Alias("sc.RoomDefinition")]
public sealed record RoomDefinition(
    [property: Id(0)] string RoomId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<DeviceAssignment> Devices);

[GenerateSerializer, Immutable, Alias("sc.DeviceAssignment")]
public sealed record DeviceAssignment([property: Id(0)] string DeviceId, [property: Id(1)] string Kind);

[GenerateSerializer, Immutable, Alias("sc.RoomSummary")]
public sealed record RoomSummary([property: Id(0)] string RoomId, [property: Id(1)] string Name, [property: Id(2)] IReadOnlyList<DeviceAssignment> Devices);
