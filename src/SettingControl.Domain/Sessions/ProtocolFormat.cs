using System.Text.Json;
using System.Text.Json.Serialization;

namespace SettingControl.Domain.Sessions;

/// <summary>
/// The JSON file format of protocols (built-in files in the repository and staff-edited ones): camelCase
/// properties, enums as lower-case words. Reading never throws: it returns the protocol or a reason.
/// </summary>
public static class ProtocolFormat
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        IgnoreReadOnlyProperties = true,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static (Protocol? Protocol, IReadOnlyList<ValidationError> Errors) Read(string json)
    {
        Protocol? protocol;
        try
        {
            protocol = JsonSerializer.Deserialize<Protocol>(json, Options);
        }
        catch (JsonException ex)
        {
            var field = (ex.Path ?? string.Empty).TrimStart('$', '.');
            field = field.Length == 0 ? "protocol" : field;
            return (null, [new ValidationError(field, $"The protocol is not valid JSON of the expected shape at '{field}': {ex.Message}")]);
        }

        var errors = ProtocolValidation.Validate(protocol);
        return errors.Count == 0 ? (protocol, errors) : (null, errors);
    }

    public static string Write(Protocol protocol) => JsonSerializer.Serialize(protocol, Options);
}
