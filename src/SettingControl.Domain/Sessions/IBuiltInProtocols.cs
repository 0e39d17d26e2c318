namespace SettingControl.Domain.Sessions;

/// <summary>The protocols that ship with the product (read from the repository's protocol files by the host).</summary>
public interface IBuiltInProtocols
{
    IReadOnlyList<Protocol> All { get; }
}
