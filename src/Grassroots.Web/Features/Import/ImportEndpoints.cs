using System.Globalization;
using Grassroots.Web.Features.Accounts;
using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Grassroots.Web.Features.Import;

public sealed record ImportResponse(string Kind, int Inserted, int Updated, int Unchanged, int Versioned);

/// <summary>
/// Import and export over HTTP. Both answer only on this machine for now: an import writes, and an
/// export holds personal data (names and unmasked phone numbers).
/// </summary>
public static class ImportEndpoints
{
    /// <summary>The largest file accepted: the whole city is a few tens of megabytes.</summary>
    public const long MaxFileBytes = Upload.MaxBytes;

    public static IServiceCollection AddImport(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ImportRegions>();
        services.AddScoped<ImportGrids>();
        services.AddScoped<ImportOrgs>();
        services.AddScoped<ImportCompounds>();
        services.AddScoped<ImportPeople>();
        services.AddScoped<Importer>();
        services.AddScoped<Exporter>();
        return services;
    }

    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Import and export");
        api.MapPost("/import/{kind}", Import)
            .Require(Permission.ImportRegistry)
            .AddEndpointFilter<CityWideOnly>()
            .WithSummary("Imports regions or grids (GeoJSON), organisations, compounds or people (CSV or XLSX), all or nothing.")
            .WithDescription("Send the file as multipart/form-data in a field named file, or as the body with Content-Type application/geo+json, text/csv or the XLSX type. A bad file changes nothing: the answer is 422 with every problem.")
            .AddOpenApiOperationTransformer(DescribeUpload)
            .Produces<ImportResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxFileBytes))
            .WithFormOptions(multipartBodyLengthLimit: MaxFileBytes);
        api.MapGet("/export/{kind}", Export)
            .Require(Permission.ExportRegistry)
            .WithSummary("Exports regions or current grids as GeoJSON, organisations, compounds or people as CSV or XLSX, in the format the import reads.")
            .Produces(StatusCodes.Status200OK, contentType: ImportFormats.GeoJsonType)
            .Produces(StatusCodes.Status200OK, contentType: ImportFormats.CsvType)
            .Produces(StatusCodes.Status200OK, contentType: ImportFormats.XlsxType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>
    /// The request body for the OpenAPI document. It is described rather than declared with Accepts, which
    /// would let routing refuse other media types before the endpoint can explain what it takes.
    /// </summary>
    private static Task DescribeUpload(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = binary },
                        Required = new HashSet<string> { "file" },
                    },
                },
                [ImportFormats.GeoJsonType] = new() { Schema = binary },
                [ImportFormats.CsvType] = new() { Schema = binary },
                [ImportFormats.XlsxType] = new() { Schema = binary },
            },
        };
        return Task.CompletedTask;
    }

    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> Import(string kind, HttpRequest request, Importer importer, CancellationToken ct)
    {
        if (!ImportFormats.TryParseKind(kind, out var what))
        {
            return UnknownKind(kind);
        }

        var (upload, problem) = await Upload.ReadAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (upload!.Format is not { } format)
        {
            return Unsupported(what, upload.Name);
        }

        var content = upload.Content;
        if (!what.Accepts(format))
        {
            return Unsupported(what, format.Extension());
        }

        var result = await importer.ImportAsync(what, format, content, ct);
        if (result.Counts is not { } c)
        {
            var n = result.Problems.Count;
            return Problems.Of(
                StatusCodes.Status422UnprocessableEntity,
                "import-invalid",
                "导入文件有误",
                "The file cannot be imported",
                $"文件中有 {n} 个问题，未写入任何数据。请改正后重新导入。",
                $"The file has {n} problem(s); nothing was written. Correct them and import it again.",
                result.Problems.Select(p => p.ToItem()));
        }

        return TypedResults.Ok(new ImportResponse(what.Name(), c.Inserted, c.Updated, c.Unchanged, c.Versioned));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(
        string kind, string? format, string? headers, Exporter exporter, TimeProvider clock, System.Security.Claims.ClaimsPrincipal user, Audit.AuditTrail audit, Grassroots.Data.AppDbContext db, CancellationToken ct)
    {
        if (!ImportFormats.TryParseKind(kind, out var what))
        {
            return UnknownKind(kind);
        }

        // People carry personal data in full: only the roles that may export personal data get them, and each export is recorded.
        if (what == ImportKind.People)
        {
            if (!PermissionTable.RolesFor(Permission.ExportPersonalData).Any(user.IsInRole))
            {
                return Problems.Of(StatusCodes.Status403Forbidden, "personal-data", "无权访问", "Forbidden",
                    "人员名单含个人信息，只有可导出个人信息的角色才能导出。", "The people list holds personal data: only roles allowed to export personal data may export it.");
            }

            audit.Record("personal-data.export", "people", new { format, headers }, "people exported in full");
            await db.SaveChangesAsync(ct);
        }

        var chosen = what.DefaultFormat();
        if (format is not null && (!ImportFormats.TryParseFormat(format, out chosen) || !what.Accepts(chosen)))
        {
            return Problems.BadRequest(
                what.IsGeographic() ? "区划和网格导出为 GeoJSON：format=geojson。" : "党组织、小区和人员导出为 CSV 或 XLSX：format=csv 或 format=xlsx。",
                what.IsGeographic() ? "Regions and grids are exported as GeoJSON: format=geojson." : "Organisations, compounds and people are exported as CSV or XLSX: format=csv or format=xlsx.",
                [new ProblemItem("query", "format", ImportCodes.UnsupportedFormat, Text.Pick("不支持该格式", "unsupported format"))]);
        }

        if (headers is not (null or "zh" or "en"))
        {
            return Problems.BadRequest("headers 应为 zh（中文表头，默认）或 en（英文表头）。", "headers must be zh (Chinese headers, the default) or en (English headers).",
                [new ProblemItem("query", "headers", "invalid-headers", Text.Pick("只能是 zh 或 en", "zh or en"))]);
        }

        var content = await exporter.ExportAsync(what, chosen, headers == "en", ct);
        var day = (clock.GetUtcNow() + Cells.ChinaOffset).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return TypedResults.File(content, chosen.MediaType(), $"{what.Name()}-{day}{chosen.Extension()}");
    }

    private static ProblemHttpResult UnknownKind(string kind) =>
        Problems.NotFound(
            $"没有“{kind}”这类数据：可用 regions、grids、orgs、compounds、people。",
            $"There is no kind '{kind}': use regions, grids, orgs, compounds or people.");

    private static ProblemHttpResult Unsupported(ImportKind kind, string? what) =>
        Problems.Of(
            StatusCodes.Status415UnsupportedMediaType,
            ImportCodes.UnsupportedFormat,
            "不支持的文件格式",
            "Unsupported file format",
            kind.IsGeographic()
                ? $"区划和网格以 GeoJSON（.geojson，application/geo+json）导入，而不是 {what ?? "未注明的格式"}。"
                : $"党组织、小区和人员以 CSV（.csv，text/csv）或 XLSX（.xlsx）导入，而不是 {what ?? "未注明的格式"}。",
            kind.IsGeographic()
                ? $"Regions and grids are imported as GeoJSON (.geojson, application/geo+json), not {what ?? "an unnamed format"}."
                : $"Organisations, compounds and people are imported as CSV (.csv, text/csv) or XLSX (.xlsx), not {what ?? "an unnamed format"}.");
}
