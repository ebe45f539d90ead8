using System.Security.Claims;
using Grassroots.Data;
using Grassroots.Web.Data;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Audit;
using Grassroots.Web.Features.Cases;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Features.Photos;

public sealed record PhotoDto(string Hash, string ContentType, long Bytes);

/// <summary>
/// Photos in and out. Staff and residents upload JPEG, PNG or WebP files, each checked to be the image it
/// claims; a refusal stores nothing. Staff read the original (location included) of a photo on a case they
/// can see or that they uploaded; the public reads the copy without metadata of a photo on some case step.
/// </summary>
public static class PhotoEndpoints
{
    public const int MaxFiles = 10;
    public const long MaxRequestBytes = 50L * 1024 * 1024;

    public static IServiceCollection AddPhotos(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PhotoOptions>(configuration.GetSection("Photos"));
        services.AddSingleton<IPhotoStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PhotoOptions>>().Value;
            var root = sp.GetRequiredService<IWebHostEnvironment>().ContentRootPath;
            return new FilePhotoStore(Path.GetFullPath(Path.Combine(root, options.Folder)));
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPhotoApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/photos", UploadStaff).Require(Permission.UploadPhoto).WithTags("Photos")
            .WithSummary("Uploads one or more photos (multipart/form-data); answers their content hashes to attach to a report or a step.")
            .WithDescription($"At most {MaxFiles} files per request, each a JPEG, PNG or WebP within the size limit. One bad file refuses the whole request: nothing is stored.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
            .WithFormOptions(multipartBodyLengthLimit: MaxRequestBytes);
        app.MapGet("/api/photos/{hash}", ReadOriginal).Require(Permission.ViewCases).WithTags("Photos")
            .WithSummary("The original photo with its metadata, when it is on a case the caller can see or the caller uploaded it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/public/photos", UploadPublic).Public().RequireRateLimiting(AccountsSetup.PublicLimit).WithTags("Residents")
            .WithSummary("Uploads photos for a resident's report (no account); answers their content hashes.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
            .WithFormOptions(multipartBodyLengthLimit: MaxRequestBytes);
        app.MapGet("/api/public/photos/{hash}", ReadPublic).Public().RequireRateLimiting(AccountsSetup.PublicLimit).WithTags("Residents")
            .WithSummary("The public copy of a photo on a case (every metadata block removed, location included).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The address of a photo's public copy.</summary>
    public static string PublicPath(string hash) => "/api/public/photos/" + hash;

    private static Task<Results<Ok<List<PhotoDto>>, ProblemHttpResult>> UploadStaff(
        HttpRequest request, ClaimsPrincipal user, IPhotoStore store, WriteQueue writes, TimeProvider clock, IOptions<PhotoOptions> options, CancellationToken ct) =>
        UploadAsync(request, user.Identity?.Name ?? "anonymous", string.Join(',', user.FindAll(ClaimTypes.Role).Select(c => c.Value)), store, writes, clock, options.Value, ct);

    private static Task<Results<Ok<List<PhotoDto>>, ProblemHttpResult>> UploadPublic(
        HttpRequest request, IPhotoStore store, WriteQueue writes, TimeProvider clock, IOptions<PhotoOptions> options, CancellationToken ct) =>
        UploadAsync(request, PhotoUpload.Resident, "", store, writes, clock, options.Value, ct);

    private static async Task<Results<Ok<List<PhotoDto>>, ProblemHttpResult>> UploadAsync(
        HttpRequest request, string uploader, string roles, IPhotoStore store, WriteQueue writes, TimeProvider clock, PhotoOptions options, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.BadRequest("请以 multipart/form-data 上传照片。", "Send the photos as multipart/form-data.",
                [new ProblemItem("body", "files", "not-multipart", Text.Pick("不是表单上传", "not a form upload"))]);
        }

        IFormFileCollection files;
        try
        {
            files = (await request.ReadFormAsync(ct)).Files;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "too-large", "请求内容过大", "Payload too large",
                $"一次最多上传 {MaxRequestBytes / 1024 / 1024} MB。", $"At most {MaxRequestBytes / 1024 / 1024} MB per request.");
        }

        if (files.Count == 0 || files.Count > MaxFiles)
        {
            return Problems.BadRequest($"请上传 1 至 {MaxFiles} 张照片。", $"Upload between 1 and {MaxFiles} photos.",
                [new ProblemItem("body", "files", files.Count == 0 ? "no-file" : "too-many-files", Text.Pick($"收到 {files.Count} 个文件", $"{files.Count} files received"))]);
        }

        var accepted = new List<(PhotoInfo Info, byte[] Bytes)>();
        var errors = new List<ProblemItem>();
        foreach (var file in files)
        {
            var name = string.IsNullOrEmpty(file.FileName) ? file.Name : file.FileName;
            try
            {
                if (file.Length > options.MaxBytes)
                {
                    throw new PhotoRejectedException("photo-too-large", $"照片超过 {options.MaxBytes / 1024 / 1024} MB", $"the photo is larger than {options.MaxBytes / 1024 / 1024} MB");
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, ct);
                var bytes = buffer.ToArray();
                accepted.Add((Photo.Inspect(bytes, file.ContentType, options.MaxBytes), bytes));
            }
            catch (PhotoRejectedException e)
            {
                errors.Add(new ProblemItem("body", name, e.Code, Text.Pick($"{name}：{e.Chinese}", $"{name}: {e.English}")));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest(
                "有照片不符合要求，未保存任何照片：" + string.Join("；", errors.Select(e => e.Message)),
                "A photo was refused, none was stored: " + string.Join("; ", errors.Select(e => e.Message)),
                errors);
        }

        foreach (var (info, bytes) in accepted)
        {
            await store.SaveAsync(info, bytes, ct);
        }

        await writes.WriteAsync(async (db, token) =>
        {
            var audit = new AuditTrail(db, new Uploader(uploader, roles), clock);
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (info, _) in accepted.DistinctBy(a => a.Info.Hash))
            {
                db.Set<PhotoUpload>().Add(new PhotoUpload
                {
                    Hash = info.Hash,
                    UploadedBy = uploader,
                    UploadedAt = now,
                    MediaType = info.MediaType,
                    Bytes = info.Bytes,
                    Lon = info.Lon,
                    Lat = info.Lat,
                });
                audit.Record("photos.upload", "photo:" + info.Hash, new { info.Hash, info.MediaType, info.Bytes }, $"{info.MediaType}, {info.Bytes} bytes");
            }

            await db.SaveChangesAsync(token);
            return accepted.Count;
        }, ct);

        return TypedResults.Ok(accepted.Select(a => new PhotoDto(a.Info.Hash, a.Info.MediaType, a.Info.Bytes)).ToList());
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReadOriginal(
        string hash, ClaimsPrincipal user, AppDbContext db, IPhotoStore store, HttpResponse response, CancellationToken ct)
    {
        if (!Photo.IsHash(hash))
        {
            return NotFound(hash);
        }

        var name = user.Identity?.Name ?? "";

        // The cases the photo is on come from its links (by hash); the case query filters decide which of them the
        // caller sees. A photo on none of those is not theirs to read.
        var visible = await db.Set<PhotoUpload>().AnyAsync(p => p.Hash == hash && p.UploadedBy == name, ct)
            || await db.Set<Case>().AnyAsync(c => db.Set<CasePhoto>().Where(p => p.Hash == hash).Select(p => p.CaseId).Contains(c.Id), ct);
        if (!visible || await store.ReadAsync(hash, ct) is not { } bytes)
        {
            return NotFound(hash);
        }

        response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.File(bytes, (Photo.Sniff(bytes) ?? PhotoType.Jpeg).MediaType());
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReadPublic(
        string hash, AppDbContext db, IPhotoStore store, HttpResponse response, CancellationToken ct)
    {
        if (!Photo.IsHash(hash) || !await OnSomeStepAsync(db, hash, ct) || await store.ReadAsync(hash, ct) is not { } bytes)
        {
            return NotFound(hash);
        }

        response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.File(Photo.PublicCopy(bytes), (Photo.Sniff(bytes) ?? PhotoType.Jpeg).MediaType());
    }

    /// <summary>Whether a photo is attached to a step of any case (the public may see those, and only those): one lookup of its links.</summary>
    public static Task<bool> OnSomeStepAsync(AppDbContext db, string hash, CancellationToken ct) =>
        db.Set<CasePhoto>().AnyAsync(p => p.Hash == hash, ct);

    private static ProblemHttpResult NotFound(string hash) =>
        Problems.NotFound($"没有可查看的照片 {hash}。", $"No photo {hash} that you may see.");

    private sealed class Uploader(string name, string roles) : IActor
    {
        public string Name => name;

        public string Roles => roles;
    }
}
