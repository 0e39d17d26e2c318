using SettingControl.Contracts;
using SettingControl.Domain;
using SettingControl.Domain.Sessions;

namespace SettingControl.Grains;

public sealed class ProtocolRegistryState
{
    /// <summary>Staff protocols, stored in their JSON file format.</summary>
    public Dictionary<string, string> Custom { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Built-in protocols (read-only, from the repository's files) and the ones staff add or edit.</summary>
public sealed class ProtocolRegistryGrain(
    [PersistentState("protocols", StorageNames.Default)] IPersistentState<ProtocolRegistryState> state,
    IBuiltInProtocols builtIn) : Grain, IProtocolRegistryGrain
{
    public Task<IReadOnlyList<ProtocolSummaryDto>> List()
    {
        var list = builtIn.All.Select(p => Summary(p, true)).ToList();
        foreach (var json in state.State.Custom.Values)
        {
            if (ProtocolFormat.Read(json).Protocol is { } protocol)
            {
                list.Add(Summary(protocol, false));
            }
        }

        return Task.FromResult<IReadOnlyList<ProtocolSummaryDto>>(list);
    }

    public Task<string?> GetJson(string protocolId)
    {
        if (builtIn.All.FirstOrDefault(p => p.Id == protocolId) is { } found)
        {
            return Task.FromResult<string?>(ProtocolFormat.Write(found));
        }

        return Task.FromResult(state.State.Custom.TryGetValue(protocolId, out var json) ? json : null);
    }

    public async Task<IReadOnlyList<FieldError>> Save(string protocolJson)
    {
        var (protocol, errors) = ProtocolFormat.Read(protocolJson);
        if (protocol is null)
        {
            return errors.ToDto();
        }

        if (builtIn.All.Any(p => p.Id == protocol.Id))
        {
            return [new FieldError("id", $"'{protocol.Id}' is a built-in protocol and cannot be changed; save it under another id.")];
        }

        state.State.Custom[protocol.Id] = ProtocolFormat.Write(protocol);
        await state.WriteStateAsync();
        return [];
    }

    public async Task<IReadOnlyList<FieldError>> Delete(string protocolId)
    {
        if (builtIn.All.Any(p => p.Id == protocolId))
        {
            return [new FieldError("id", $"'{protocolId}' is a built-in protocol and cannot be deleted.")];
        }

        if (!state.State.Custom.Remove(protocolId))
        {
            return [new FieldError("id", $"There is no protocol '{protocolId}'.")];
        }

        await state.WriteStateAsync();
        return [];
    }

    private static ProtocolSummaryDto Summary(Protocol protocol, bool isBuiltIn) =>
        new(protocol.Id, protocol.Name, protocol.Description, isBuiltIn, protocol.PlanDto());
}
