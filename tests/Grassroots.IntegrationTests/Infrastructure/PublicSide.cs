using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Registry;
using Grassroots.Web.Features.Spatial;
using Microsoft.EntityFrameworkCore;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Grassroots.IntegrationTests.Infrastructure;

/// <summary>The small demo city for the tests of the public side (photos, residents, Open311), which write cases.</summary>
public sealed class PublicApp() : GrassrootsApp("Small");

public static class PublicSide
{
    /// <summary>
    /// A small JPEG taken at 31°34'12"N 120°18'0"E (梁溪区) by its EXIF. Each <paramref name="red"/> is another
    /// photo: close colours alone may compress to the same bytes, so a white pixel marks its place too.
    /// </summary>
    public static byte[] Jpeg(byte red = 200, bool withLocation = true)
    {
        using var image = new Image<Rgba32>(16, 12, new Rgba32(red, 60, 40));
        image[red % 16, red / 16 % 12] = new Rgba32(255, 255, 255);
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
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }

    public static MultipartFormDataContent Form(params (string Name, byte[] Bytes, string ContentType)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes, type) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "files", name);
        }

        return form;
    }

    /// <summary>Uploads one photo through the public endpoint and answers its hash.</summary>
    public static async Task<string> UploadAsync(HttpClient client, byte[] bytes)
    {
        var response = await client.PostAsync("/api/public/photos", Form(("photo.jpg", bytes, "image/jpeg")), TestContext.Current.CancellationToken);
        var body = await response.JsonAsync(HttpStatusCode.OK);
        return body[0].GetProperty("hash").GetString()!;
    }

    /// <summary>The interior point of the n-th current grid of a district (320213 梁溪区, 320214 新吴区).</summary>
    public static (double Lon, double Lat, Grid Grid) PointIn(GrassrootsApp app, string district, int n)
    {
        var grid = app.WithDb(db => db.Set<Grid>().AsNoTracking().Where(g => g.ValidTo == null && g.Code.StartsWith(district)).OrderBy(g => g.Code).Skip(n).First());
        var p = Geo.FromWkb(grid.Boundary).InteriorPoint;
        return (p.X, p.Y, grid);
    }

    /// <summary>Reports as a resident through the public endpoint and answers the tracking code.</summary>
    public static async Task<string> ReportAsync(HttpClient client, string category, double lon, double lat, IReadOnlyList<string>? photos = null, string? phone = null)
    {
        var response = await client.PostAsJsonAsync("/api/public/reports",
            new { category, lon, lat, description = "小区门口路灯不亮", name = "王小明", phone, photos }, TestContext.Current.CancellationToken);
        return (await response.JsonAsync(HttpStatusCode.Created)).GetProperty("trackingCode").GetString()!;
    }

    /// <summary>Takes a reported case through the workflow to 结案, as staff would, at the given time: 张三 and 李四 are staff names the public must never see.</summary>
    public static Task<long> CloseAsync(GrassrootsApp app, string trackingCode, DateTime? at = null, string? feedbackPhoto = null) =>
        app.WithDbAsync(async db =>
        {
            var c = await db.Set<Case>().IgnoreQueryFilters().SingleAsync(x => x.TrackingCode == trackingCode);
            var now = at ?? DateTime.UtcNow;
            var centre = new StepActor("张三", "ShiftLeader");
            c.Register(centre, now);
            c.Dispatch(new StepActor("张三", "Dispatcher"), now, c.RoutedUnitCode!, now.AddHours(4));
            c.Feedback(new StepActor("李四", "HandlingUnit", c.RoutedUnitCode), now, "已更换灯泡，路灯恢复", now.AddHours(1), feedbackPhoto);
            c.Verify(new StepActor("王网格", "GridWorker"), now, true, "现场核实已修复", now.AddHours(1));
            c.Close(centre, now, CaseOutcome.Fixed);
            await db.SaveChangesAsync();
            return c.Id;
        });
}
