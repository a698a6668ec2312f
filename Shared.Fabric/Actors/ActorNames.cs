namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>Rules for actor and system names, in one place.</summary>
internal static class ActorNames
{
    /// <summary>Prefix of generated names; user names may not use it, so they never collide.</summary>
    public const char GeneratedPrefix = '$';

    /// <summary>Throws a clear error for a name that cannot be a path segment.</summary>
    public static string ValidateActorName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name[0] == GeneratedPrefix)
        {
            throw new ArgumentException($"Actor name '{name}' may not start with '{GeneratedPrefix}', which is reserved for generated names.", nameof(name));
        }

        if (name.AsSpan().IndexOfAny('/', ' ', '#') >= 0)
        {
            throw new ArgumentException($"Actor name '{name}' may not contain '/', ' ' or '#'.", nameof(name));
        }

        return name;
    }

    /// <summary>System names become URI hosts: letters, digits, '-' and '_' only.</summary>
    public static string ValidateSystemName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                throw new ArgumentException($"Actor system name '{name}' may contain only ASCII letters, digits, '-' and '_'.", nameof(name));
            }
        }

        return name;
    }
}
