using System.Buffers.Binary;
using System.Security.Cryptography;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace Grassroots.Web.Features.Photos;

public enum PhotoType
{
    Jpeg,
    Png,
    WebP,
}

/// <summary>An accepted photo: its content hash, its type, and where it was taken if the camera said so.</summary>
public sealed record PhotoInfo(string Hash, PhotoType Type, string MediaType, long Bytes, double? Lon, double? Lat);

/// <summary>Why a file is not accepted as a photo.</summary>
public sealed class PhotoRejectedException(string code, string zh, string en) : Exception(en)
{
    public string Code { get; } = code;
    public string Chinese { get; } = zh;
    public string English { get; } = en;
}

/// <summary>
/// What a photo must be, and the copy the public sees. A file is accepted only when its bytes are the
/// image type it claims (JPEG, PNG or WebP) and within the size limit. The stored original keeps its
/// location metadata for staff; <see cref="PublicCopy"/> removes every metadata block (EXIF, XMP, IPTC,
/// text chunks) without decoding or re-encoding the image.
/// </summary>
public static class Photo
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;

    /// <summary>Whether the text is a photo's content hash: 64 lower-case hex digits (SHA-256).</summary>
    public static bool IsHash(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigitLower);

    public static string MediaType(this PhotoType type) => type switch
    {
        PhotoType.Jpeg => "image/jpeg",
        PhotoType.Png => "image/png",
        PhotoType.WebP => "image/webp",
    };

    public static PhotoInfo Inspect(ReadOnlySpan<byte> bytes, string? declaredType, long maxBytes = DefaultMaxBytes)
    {
        if (bytes.Length == 0)
        {
            throw new PhotoRejectedException("photo-empty", "照片文件为空", "the photo file is empty");
        }

        if (bytes.Length > maxBytes)
        {
            throw new PhotoRejectedException("photo-too-large", $"照片超过 {maxBytes / 1024 / 1024} MB", $"the photo is larger than {maxBytes / 1024 / 1024} MB");
        }

        var type = Sniff(bytes) ?? throw new PhotoRejectedException("photo-not-an-image", "文件不是 JPEG、PNG 或 WebP 图片", "the file is not a JPEG, PNG or WebP image");
        if (declaredType is { Length: > 0 } declared && !string.Equals(declared.Split(';')[0].Trim(), type.MediaType(), StringComparison.OrdinalIgnoreCase)
            && !(type == PhotoType.Jpeg && string.Equals(declared, "image/jpg", StringComparison.OrdinalIgnoreCase)))
        {
            throw new PhotoRejectedException("photo-type-mismatch", $"文件声称是 {declared}，实际是 {type.MediaType()}", $"the file claims to be {declared} but is {type.MediaType()}");
        }

        if (!WellFormed(bytes, type))
        {
            throw new PhotoRejectedException("photo-damaged", "图片文件不完整或已损坏", "the image file is incomplete or damaged");
        }

        var (lon, lat) = Location(bytes.ToArray());
        return new PhotoInfo(Convert.ToHexStringLower(SHA256.HashData(bytes)), type, type.MediaType(), bytes.Length, lon, lat);
    }

    public static PhotoType? Sniff(ReadOnlySpan<byte> b) =>
        b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF ? PhotoType.Jpeg
        : b.Length >= 8 && b[..8].SequenceEqual(PngSignature) ? PhotoType.Png
        : b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8) ? PhotoType.WebP
        : null;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static bool WellFormed(ReadOnlySpan<byte> b, PhotoType type) => type switch
    {
        PhotoType.Jpeg => b.Length > 4 && b[^2] == 0xFF && b[^1] == 0xD9,
        PhotoType.Png => b.Length > 33 && b.Slice(12, 4).SequenceEqual("IHDR"u8) && b[^8..^4].SequenceEqual("IEND"u8),
        PhotoType.WebP => b.Length >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(4, 4)) + 8 == (uint)b.Length,
    };

    /// <summary>The GPS position in the photo's EXIF, if any.</summary>
    public static (double? Lon, double? Lat) Location(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var gps = ImageMetadataReader.ReadMetadata(stream).OfType<GpsDirectory>().FirstOrDefault();
            return gps?.GetGeoLocation() is { IsZero: false } at ? (at.Longitude, at.Latitude) : (null, null);
        }
        catch (ImageProcessingException)
        {
            return (null, null);
        }
    }

    /// <summary>The photo without any metadata block: what the public may download.</summary>
    public static byte[] PublicCopy(ReadOnlySpan<byte> bytes) => Sniff(bytes) switch
    {
        PhotoType.Jpeg => StripJpeg(bytes),
        PhotoType.Png => StripPng(bytes),
        PhotoType.WebP => StripWebP(bytes),
        null => throw new PhotoRejectedException("photo-not-an-image", "文件不是 JPEG、PNG 或 WebP 图片", "the file is not a JPEG, PNG or WebP image"),
    };

    // JPEG: drop APP1 (EXIF, XMP), APP13 (IPTC/Photoshop) and COM segments before the scan.
    private static byte[] StripJpeg(ReadOnlySpan<byte> b)
    {
        var output = new List<byte>(b.Length) { 0xFF, 0xD8 };
        var i = 2;
        while (i + 4 <= b.Length && b[i] == 0xFF)
        {
            var marker = b[i + 1];
            if (marker == 0xDA)
            {
                break; // start of scan: the rest is image data
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 2, 2));
            var end = i + 2 + length;
            if (end > b.Length)
            {
                throw new PhotoRejectedException("photo-damaged", "图片文件不完整或已损坏", "the image file is incomplete or damaged");
            }

            if (marker is not (0xE1 or 0xED or 0xFE))
            {
                output.AddRange(b[i..end]);
            }

            i = end;
        }

        output.AddRange(b[i..]);
        return [.. output];
    }

    // PNG: drop eXIf and the text chunks (tEXt, zTXt, iTXt), which can carry location and XMP.
    private static byte[] StripPng(ReadOnlySpan<byte> b)
    {
        var output = new List<byte>(b.Length);
        output.AddRange(b[..8]);
        var i = 8;
        while (i + 12 <= b.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(b.Slice(i, 4));
            var kind = b.Slice(i + 4, 4);
            var end = i + 12 + length;
            if (length < 0 || end > b.Length)
            {
                throw new PhotoRejectedException("photo-damaged", "图片文件不完整或已损坏", "the image file is incomplete or damaged");
            }

            if (!(kind.SequenceEqual("eXIf"u8) || kind.SequenceEqual("tEXt"u8) || kind.SequenceEqual("zTXt"u8) || kind.SequenceEqual("iTXt"u8)))
            {
                output.AddRange(b[i..end]);
            }

            i = end;
        }

        return [.. output];
    }

    // WebP: drop the EXIF and XMP chunks and clear their flags in VP8X; fix the RIFF size.
    private static byte[] StripWebP(ReadOnlySpan<byte> b)
    {
        var output = new List<byte>(b.Length);
        output.AddRange(b[..12]);
        var i = 12;
        while (i + 8 <= b.Length)
        {
            var kind = b.Slice(i, 4);
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(i + 4, 4));
            var end = i + 8 + size + (size & 1);
            if (size < 0 || end > b.Length)
            {
                throw new PhotoRejectedException("photo-damaged", "图片文件不完整或已损坏", "the image file is incomplete or damaged");
            }

            if (!(kind.SequenceEqual("EXIF"u8) || kind.SequenceEqual("XMP "u8)))
            {
                var start = output.Count;
                output.AddRange(b[i..end]);
                if (kind.SequenceEqual("VP8X"u8) && size >= 1)
                {
                    output[start + 8] &= unchecked((byte)~0x0C); // EXIF (0x08) and XMP (0x04) flags
                }
            }

            i = end;
        }

        var bytes = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4, 4), (uint)(bytes.Length - 8));
        return bytes;
    }
}
