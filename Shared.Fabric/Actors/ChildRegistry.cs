using System.Collections.Concurrent;

namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// The live children of one parent (an actor or the guardian), by name. Spawning happens on the
/// parent's loop but removal on the child's, hence a concurrent map.
/// </summary>
internal sealed class ChildRegistry
{
    /// <summary>Live children by name; an entry is removed only when that child has fully stopped.</summary>
    private readonly ConcurrentDictionary<string, IInternalActorRef> _children = new(StringComparer.Ordinal);

    /// <summary>Source of generated names (<c>$1</c>, <c>$2</c> …); never reused within one parent.</summary>
    private long _generatedNames;

    /// <summary>A snapshot of the live children.</summary>
    public IReadOnlyCollection<IActorRef> Snapshot => _children.Values.ToArray();

    /// <summary>Number of live children.</summary>
    public int Count => _children.Count;

    /// <summary>Creates, registers and starts a child. Throws when the name is taken.</summary>
    public IActorRef<TChild> Spawn<TChild>(ActorSystem system, IActorParent parent, Props<TChild> props, string? name)
    {
        ArgumentNullException.ThrowIfNull(props);
        name = name is null
            ? ActorNames.GeneratedPrefix + Interlocked.Increment(ref _generatedNames).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : ActorNames.ValidateActorName(name);
        var cell = new ActorCell<TChild>(system, parent, props, name);
        if (!_children.TryAdd(name, cell))
        {
            throw new InvalidOperationException($"An actor named '{name}' already exists under {parent.Path}.");
        }

        cell.Start();
        return cell;
    }

    /// <summary>True when <paramref name="actor"/> is one of these children.</summary>
    public bool Contains(IActorRef actor) =>
        _children.TryGetValue(actor.Name, out var child) && ReferenceEquals(child, actor);

    /// <summary>Frees the child's name, unless it was already reused by a newer child.</summary>
    public void Remove(IInternalActorRef child) =>
        _children.TryRemove(new KeyValuePair<string, IInternalActorRef>(child.Name, child));

    /// <summary>Stops every child and completes when all have terminated (their own children first).</summary>
    public Task StopAllAsync()
    {
        if (_children.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var children = _children.Values.ToArray();
        var terminations = new Task[children.Length];
        for (var i = 0; i < children.Length; i++)
        {
            children[i].RequestStop();
            terminations[i] = children[i].WhenTerminated;
        }

        return Task.WhenAll(terminations);
    }
}
