namespace NerfEngine.Control.Registry;

/// <summary>Input of tools that take no arguments: the schema is an empty object that rejects any property.</summary>
public sealed record NoArguments
{
    /// <summary>The one value.</summary>
    public static NoArguments Instance { get; } = new();
}
