using System.Text;

namespace Nsq.TestUtilities.Telemetry;

/// <summary>
/// The protobuf wire format, just enough to read OTLP: varints, length-delimited fields and skipping the fixed-size ones.
/// Tests decode what real OpenTelemetry exporters send without a generated protobuf model (and its package).
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;
    private int _wireType;

    /// <summary>The next field's number; false at the end of the message.</summary>
    public bool TryReadField(out int field)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        _wireType = (int)(tag & 7);
        return true;
    }

    /// <summary>The current field as a varint (enums, integers).</summary>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length) throw new InvalidDataException("truncated varint");
            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("varint longer than 10 bytes");
    }

    /// <summary>The current field's bytes (a sub-message, a string, a bytes field).</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        if (_wireType != LengthDelimited) throw new InvalidDataException($"wire type {_wireType} is not length-delimited");
        var length = checked((int)ReadVarint());
        if (length > _data.Length - _position) throw new InvalidDataException("length-delimited field past the end");
        var bytes = _data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Steps over the current field, whatever its wire type.</summary>
    public void Skip()
    {
        switch (_wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Advance(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Advance(4); break;
            default: throw new InvalidDataException($"unsupported wire type {_wireType}");
        }
    }

    private void Advance(int count)
    {
        if (count > _data.Length - _position) throw new InvalidDataException("fixed field past the end");
        _position += count;
    }
}
