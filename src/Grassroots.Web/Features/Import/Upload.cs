using Grassroots.Web.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Web.Features.Import;

/// <summary>
/// An uploaded file, read the same way for every import: a multipart form's field <c>file</c> (or its
/// only file), or else the whole body. The format comes from the file name, else the media type.
/// </summary>
public sealed record Upload(byte[] Content, string? Name, FileFormat? Format)
{
    public const long MaxBytes = 100L * 1024 * 1024;

    public static async Task<(Upload? Upload, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(ct);
                var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
                if (file is null)
                {
                    return (null, Problems.BadRequest("请在表单字段 file 中上传文件。", "Send the file in the form field named file.",
                        [new ProblemItem("body", "file", "missing-file", Text.Pick("缺少文件", "missing"))]));
                }

                using var buffer = new MemoryStream((int)Math.Min(file.Length, MaxBytes));
                await file.CopyToAsync(buffer, ct);
                FileFormat? format = ImportFormats.TryFormatOfFile(file.FileName, out var byName) ? byName
                    : ImportFormats.TryFormatOfMediaType(file.ContentType, out var byType) ? byType
                    : null;
                return (new Upload(buffer.ToArray(), file.FileName, format), null);
            }

            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            return (new Upload(body.ToArray(), request.ContentType, ImportFormats.TryFormatOfMediaType(request.ContentType, out var f) ? f : null), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (InvalidDataException)
        {
            // A multipart body over the form limits.
            return (null, TooLarge());
        }
    }

    public static ProblemHttpResult TooLarge() =>
        Problems.Of(
            StatusCodes.Status413PayloadTooLarge,
            "file-too-large",
            "文件过大",
            "File too large",
            $"导入文件最大 {MaxBytes / 1024 / 1024} MB。",
            $"An imported file is at most {MaxBytes / 1024 / 1024} MB.");
}
