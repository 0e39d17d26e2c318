using SettingControl.Contracts;

namespace SettingControl.Host.Security;

/// <summary>
/// Who is calling, as of now (not as of sign-in): the account or key is looked up on every request and
/// hub call, so disabling an account, changing a role or revoking a key takes effect at once.
/// </summary>
public sealed record Access(string Kind, string Name, Role Role, IReadOnlyList<string> Rooms)
{
    public const string UserKind = "user";
    public const string KeyKind = "key";

    public Actor Actor => new(Kind, Name);

    public bool CanControlRooms => Role is Role.Therapist or Role.Admin;

    public bool CanProvision => Role is Role.Staff or Role.Admin;

    public bool CanAdminister => Role is Role.Admin;

    /// <summary>A therapist with assigned rooms controls only those; with none assigned, every room.</summary>
    public bool CanControl(string roomId) =>
        Role == Role.Admin || (Role == Role.Therapist && (Rooms.Count == 0 || Rooms.Contains(roomId, StringComparer.Ordinal)));

    /// <summary>
    /// Session records hold clinical notes, so they follow the rooms on the account: an account with rooms
    /// listed reads only those rooms' records, whatever its role; one with none listed (and every admin and
    /// API key, which have no room list) reads every room's. docs/accounts.md, "Who may read session records".
    /// </summary>
    public bool CanReadRecordsOf(string roomId) =>
        Role == Role.Admin || Rooms.Count == 0 || Rooms.Contains(roomId, StringComparer.Ordinal);

    /// <summary>Why <see cref="CanControl"/> said no, in words for the person holding the tablet.</summary>
    public string RefusalFor(string roomId) => Role switch
    {
        Role.Therapist => $"You are not assigned to room '{roomId}'. Ask staff to assign you.",
        Role.Observer => "Observers can watch rooms but not change them.",
        _ => "Only therapists can change a treatment room.",
    };
}
