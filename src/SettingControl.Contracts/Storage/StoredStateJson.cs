using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SettingControl.Contracts.Storage;

/// <summary>
/// How grain state is written as JSON, by every storage provider (and the Lights up latch file), so a database
/// written by one provider or release reads back in another. Enums by name, so a stored row stays readable.
/// <para>
/// The domain keeps its state behind non-public setters (only the room's own operations change it), so this
/// contract writes and reads those setters. Properties with no setter at all are computed from the stored ones
/// (a session's open reminders, a room's unsaved record entries) and are never stored; a read-only property that a
/// constructor takes (a positional record) is stored as usual. A type whose public constructor takes arguments is
/// rebuilt through its private empty constructor when it has one.
/// </para>
/// </summary>
public static class StoredStateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { UseNonPublicSettersAndSkipComputed } },
    };

    private static void UseNonPublicSettersAndSkipComputed(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        // A domain type built by its own constructor keeps a private empty one for storage, which fills it in.
        if (type.CreateObject is null && !type.Type.IsValueType && type.Type.GetConstructor(Type.EmptyTypes) is null
            && type.Type.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes) is { } forStorage)
        {
            type.CreateObject = () => forStorage.Invoke(null);
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            var property = type.Properties[i];
            if (property.Set is not null || property.AttributeProvider is not PropertyInfo clr)
            {
                continue;
            }

            if (clr.GetSetMethod(nonPublic: true) is { } setter)
            {
                property.Set = (target, value) => setter.Invoke(target, [value]);
            }
            else if (property.AssociatedParameter is null)
            {
                type.Properties.RemoveAt(i);
            }
        }
    }
}
