using Grassroots.Web.Features.Photos;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Grassroots.UnitTests.Features.Photos;

public class PhotoTests
{
    /// <summary>A small picture taken at 31°34'12"N 120°18'0"E (梁溪区), saved in the given format.</summary>
    private static byte[] Picture(PhotoType type, bool withLocation = true)
    {
        using var image = new Image<Rgba32>(16, 12, new Rgba32(200, 60, 40));
        if (withLocation)
        {
            var exif = new ExifProfile();
            exif.SetValue(ExifTag.GPSLatitudeRef, "N");
            exif.SetValue(ExifTag.GPSLatitude, [new Rational(31, 1), new Rational(34, 1), new Rational(12, 1)]);
            exif.SetValue(ExifTag.GPSLongitudeRef, "E");
            exif.SetValue(ExifTag.GPSLongitude, [new Rational(120, 1), new Rational(18, 1), new Rational(0, 1)]);
            image.Metadata.ExifProfile = exif;
        }

        using var stream = new MemoryStream();
        switch (type)
        {
            case PhotoType.Jpeg:
                image.SaveAsJpeg(stream);
                break;
            case PhotoType.Png:
                image.SaveAsPng(stream);
                break;
            case PhotoType.WebP:
                image.SaveAsWebp(stream);
                break;
        }

        return stream.ToArray();
    }

    [Theory]
    [InlineData(PhotoType.Jpeg, "image/jpeg")]
    [InlineData(PhotoType.Png, "image/png")]
    [InlineData(PhotoType.WebP, "image/webp")]
    public void APhoto_IsAcceptedAsTheTypeItIs_WithItsHashAndLocation(PhotoType type, string media)
    {
        var bytes = Picture(type);
        var info = Photo.Inspect(bytes, media);
        Assert.Equal(type, info.Type);
        Assert.Equal(64, info.Hash.Length);
        Assert.Equal(bytes.Length, info.Bytes);
        Assert.Equal(31.57, info.Lat!.Value, 3);
        Assert.Equal(120.30, info.Lon!.Value, 3);
    }

    [Theory]
    [InlineData(PhotoType.Jpeg)]
    [InlineData(PhotoType.Png)]
    [InlineData(PhotoType.WebP)]
    public void ThePublicCopy_HasNoLocation_AndIsStillThePicture(PhotoType type)
    {
        var original = Picture(type);
        Assert.NotNull(Photo.Location(original).Lat);
        var copy = Photo.PublicCopy(original);
        Assert.Equal((null, null), Photo.Location(copy));
        Assert.DoesNotContain("Exif", System.Text.Encoding.ASCII.GetString(copy), StringComparison.Ordinal);
        using var image = Image.Load<Rgba32>(copy);
        Assert.Equal((16, 12), (image.Width, image.Height));
        Assert.InRange(image[5, 5].R, 190, 210);
        Assert.Equal(type, Photo.Inspect(copy, null).Type);
    }

    [Fact]
    public void AFileThatIsNotTheImageItClaims_IsRejected()
    {
        var png = Picture(PhotoType.Png, withLocation: false);
        Assert.Equal("photo-type-mismatch", Assert.Throws<PhotoRejectedException>(() => Photo.Inspect(png, "image/jpeg")).Code);
        Assert.Equal("photo-not-an-image", Assert.Throws<PhotoRejectedException>(() => Photo.Inspect("%PDF-1.7 not a picture"u8, "image/jpeg")).Code);
        Assert.Equal("photo-empty", Assert.Throws<PhotoRejectedException>(() => Photo.Inspect([], "image/png")).Code);
    }

    [Fact]
    public void ATruncatedImage_IsRejected()
    {
        var jpeg = Picture(PhotoType.Jpeg);
        Assert.Equal("photo-damaged", Assert.Throws<PhotoRejectedException>(() => Photo.Inspect(jpeg.AsSpan(0, jpeg.Length / 2), "image/jpeg")).Code);
        var png = Picture(PhotoType.Png);
        Assert.Equal("photo-damaged", Assert.Throws<PhotoRejectedException>(() => Photo.Inspect(png.AsSpan(0, png.Length - 20), "image/png")).Code);
    }

    [Fact]
    public void ATooLargePhoto_IsRejected()
    {
        var jpeg = Picture(PhotoType.Jpeg);
        Assert.Equal("photo-too-large", Assert.Throws<PhotoRejectedException>(() => Photo.Inspect(jpeg, "image/jpeg", maxBytes: jpeg.Length - 1)).Code);
    }

    [Fact]
    public async Task TheStore_KeepsAPhotoOnceUnderItsHash()
    {
        var folder = Path.Combine(Path.GetTempPath(), "grassroots-photos-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new FilePhotoStore(folder);
            var bytes = Picture(PhotoType.Jpeg);
            var info = Photo.Inspect(bytes, "image/jpeg");
            await store.SaveAsync(info, bytes, TestContext.Current.CancellationToken);
            await store.SaveAsync(info, bytes, TestContext.Current.CancellationToken);
            Assert.Single(Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
            Assert.Equal(bytes, await store.ReadAsync(info.Hash, TestContext.Current.CancellationToken));
            Assert.Null(await store.ReadAsync(new string('0', 64), TestContext.Current.CancellationToken));
            Assert.Throws<ArgumentException>(() => store.ReadAsync("../../etc/passwd", TestContext.Current.CancellationToken).GetAwaiter().GetResult());
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
