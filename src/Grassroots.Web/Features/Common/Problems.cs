using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Grassroots.Web.Features.Common;

/// <summary>One problem found in a request or a file: where, which field, and what is wrong.</summary>
public sealed record ProblemItem(string? Location, string? Field, string Code, string Message);

/// <summary>RFC 9457 problem details, in the request's language (zh-CN unless it asks for English).</summary>
public static class Problems
{
    public const string TypePrefix = "urn:grassroots:problem:";

    public static ProblemHttpResult Of(int status, string slug, string zhTitle, string enTitle, string zhDetail, string enDetail, IEnumerable<ProblemItem>? errors = null) =>
        TypedResults.Problem(Create(status, slug, zhTitle, enTitle, zhDetail, enDetail, errors));

    public static ProblemDetails Create(int status, string slug, string zhTitle, string enTitle, string zhDetail, string enDetail, IEnumerable<ProblemItem>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypePrefix + slug,
            Title = Text.Pick(zhTitle, enTitle),
            Detail = Text.Pick(zhDetail, enDetail),
        };
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors.ToList();
        }

        return problem;
    }

    public static ProblemHttpResult NotFound(string zhDetail, string enDetail) =>
        Of(StatusCodes.Status404NotFound, "not-found", "未找到", "Not found", zhDetail, enDetail);

    public static ProblemHttpResult BadRequest(string zhDetail, string enDetail, IEnumerable<ProblemItem>? errors = null) =>
        Of(StatusCodes.Status400BadRequest, "bad-request", "请求有误", "Bad request", zhDetail, enDetail, errors);

    /// <summary>Titles for statuses the framework produces by itself (404 of an unknown route, 405, 500 …).</summary>
    public static (string Zh, string En) TitleFor(int status) => status switch
    {
        400 => ("请求有误", "Bad request"),
        401 => ("未登录", "Unauthorized"),
        403 => ("无权访问", "Forbidden"),
        404 => ("未找到", "Not found"),
        405 => ("不支持该请求方法", "Method not allowed"),
        409 => ("状态冲突", "Conflict"),
        413 => ("请求内容过大", "Payload too large"),
        415 => ("不支持的内容类型", "Unsupported media type"),
        422 => ("无法处理的内容", "Unprocessable content"),
        429 => ("请求过于频繁", "Too many requests"),
        500 => ("服务器内部错误", "Internal server error"),
        503 => ("服务暂不可用", "Service unavailable"),
        _ => ("请求失败", "Request failed"),
    };

    /// <summary>Gives framework-made problems a localised title and a detail in both languages.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        if (context.ProblemDetails.Type is null or "" || context.ProblemDetails.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
        {
            var (zh, en) = TitleFor(status);
            context.ProblemDetails.Title = Text.Pick(zh, en);
            context.ProblemDetails.Type = TypePrefix + "http-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.ProblemDetails.Detail ??= status switch
            {
                401 => Text.Pick("请先登录（Cookie、Bearer 令牌或 API 密钥）。", "Sign in first (cookie, bearer token or API key)."),
                403 => Text.Pick("当前账号的角色无权执行此操作。", "The account's roles do not allow this action."),
                404 => Text.Pick("请求的地址不存在。", "No resource at this address."),
                405 => Text.Pick("该地址不支持此请求方法。", "This address does not accept this method."),
                500 => Text.Pick("服务器处理请求时出错，已记录日志。", "The server failed to handle the request; the error was logged."),
                _ => null,
            };
        }

        context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
    }
}
