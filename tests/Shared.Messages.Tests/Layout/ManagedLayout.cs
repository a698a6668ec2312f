using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NerfEngine.Tests.SharedMessages.Layout;

/// <summary>
/// Where the runtime really puts a field. Marshal.OffsetOf reports the marshalling layout;
/// MemoryMarshal.Cast uses the managed one, so this writes all-ones into one field of a zeroed
/// struct and looks for the bytes that changed.
/// </summary>
internal static class ManagedLayout
{
    /// <summary>Instance fields in declaration order (a record struct adds none).</summary>
    public static FieldInfo[] InstanceFields(Type type) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .OrderBy(f => f.MetadataToken)
            .ToArray();

    /// <summary>Unsafe.SizeOf of a type known only at run time.</summary>
    public static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    /// <summary>Offset and size of the bytes that <paramref name="field"/> occupies in memory.</summary>
    public static (int Offset, int Size) Measure(Type owner, FieldInfo field)
    {
        object boxed = Activator.CreateInstance(owner)!;
        field.SetValue(boxed, Call(nameof(AllOnes), field.FieldType));
        byte[] bytes = (byte[])Call(nameof(BytesOf), owner, boxed);
        int first = Array.FindIndex(bytes, b => b != 0);
        int last = Array.FindLastIndex(bytes, b => b != 0);
        return (first, last - first + 1);
    }

    private static object Call(string method, Type typeArgument, params object[] args) =>
        typeof(ManagedLayout).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeArgument)
            .Invoke(null, args)!;

    private static object AllOnes<T>()
        where T : unmanaged
    {
        T value = default;
        MemoryMarshal.AsBytes(new Span<T>(ref value)).Fill(0xFF);
        return value;
    }

    private static byte[] BytesOf<T>(object boxed)
        where T : unmanaged
    {
        T value = (T)boxed;
        return MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();
    }
}
