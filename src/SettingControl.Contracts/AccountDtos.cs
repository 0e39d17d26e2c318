using System.Text.Json.Serialization;

namespace SettingControl.Contracts;

/// <summary>
/// What a person or a script may do. Observer reads; Therapist controls rooms (optionally only the rooms
/// assigned to them); Staff provisions rooms, devices and settings; Admin may do everything, including
/// accounts and API keys.
/// </summary>
[GenerateSerializer]
[JsonConverter(typeof(JsonStringEnumConverter<Role>))]
public enum Role
{
    Observer = 0,
    Therapist = 1,
    Staff = 2,
    Admin = 3,
}

/// <summary>A local account as stored: the password only as a salted hash (ASP.NET Core's PasswordHasher format).</summary>
[GenerateSerializer, Immutable, Alias("sc.UserRecord")]
public sealed record UserRecord(
    [property: Id(0)] string Username,
    [property: Id(1)] Role Role,
    [property: Id(2)] string PasswordHash,
    [property: Id(3)] IReadOnlyList<string> Rooms,
    [property: Id(4)] bool Disabled,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string SecurityStamp);

/// <summary>An API key as stored: only a SHA-256 of its random secret is kept.</summary>
[GenerateSerializer, Immutable, Alias("sc.ApiKeyRecord")]
public sealed record ApiKeyRecord(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Name,
    [property: Id(2)] Role Role,
    [property: Id(3)] string SecretHash,
    [property: Id(4)] string CreatedBy,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? RevokedAt);

/// <summary>
/// Every account and key, and the sign-in sessions signed out before their cookie would have expired
/// (session id → when that cookie expires at the latest); small enough to hand over whole and cache in the host.
/// </summary>
[GenerateSerializer, Immutable, Alias("sc.AccountsSnapshot")]
public sealed record AccountsSnapshot(
    [property: Id(0)] IReadOnlyList<UserRecord> Users,
    [property: Id(1)] IReadOnlyList<ApiKeyRecord> Keys,
    [property: Id(2)] long Version,
    [property: Id(3)] IReadOnlyDictionary<string, DateTimeOffset> SignedOutSessions);

/// <summary>An account as the API shows it (never its hash).</summary>
public sealed record UserDto(string Username, Role Role, IReadOnlyList<string> Rooms, bool Disabled, DateTimeOffset CreatedAt);

public sealed record CreateUserRequest(string? Username, string? Password, Role? Role, IReadOnlyList<string>? Rooms);

/// <summary>Changes to an account; omitted fields keep their value. A new password signs the account out everywhere.</summary>
public sealed record UpdateUserRequest(Role? Role, string? Password, IReadOnlyList<string>? Rooms, bool? Disabled);

public sealed record ApiKeyDto(string KeyId, string Name, Role Role, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A new key: <see cref="Token"/> is shown this once and never again.</summary>
public sealed record CreatedApiKeyDto(ApiKeyDto Key, string Token);

public sealed record CreateApiKeyRequest(string? Name, Role? Role);

public sealed record SignInRequest(string? Username, string? Password);

public sealed record SetupRequest(string? Token, string? Username, string? Password);

public sealed record SetupStatusDto(bool SetupRequired);

/// <summary>
/// What a page that has just loaded needs to know, asked of anyone: who is signed in (<see cref="User"/> null when
/// nobody is) and whether the facility still needs its first admin. A sign-in page asks this instead of
/// <c>/api/auth/me</c>, whose 401 would be an error in every tablet's console.
/// </summary>
public sealed record AuthSessionDto(bool SignedIn, MeDto? User, bool SetupRequired);

/// <summary>Who is signed in and what they may do: the page shows or hides controls from this, the server still checks every call.</summary>
public sealed record MeDto(
    string Username,
    Role Role,
    IReadOnlyList<string> Rooms,
    bool CanControlRooms,
    bool CanProvision,
    bool CanAdminister,
    bool DemoMode);
