/**
 * Random chat text for the search benchmark: Chinese sentences (words written together, as
 * Chinese is), English ones, and both mixed, with word frequencies skewed as in real text
 * (a few words are in many messages, most in few).
 *
 * @module
 */

/** Chinese words the generator writes (common dictionary words, two or more characters). */
export const ZH_WORDS: readonly string[] = (
  "我们 明天 北京 上海 会议 讨论 项目 设计 系统 文件 发送 检查 问题 今天 下午 上午 晚上 " +
  "时间 地址 电话 客户 产品 测试 上线 版本 需求 文档 报告 数据 服务器 数据库 用户 界面 " +
  "手机 电脑 网络 消息 通知 图片 视频 音乐 电影 周末 朋友 同事 老板 公司 办公室 餐厅 " +
  "午饭 晚饭 咖啡 天气 下雨 机场 火车 出差 旅行 酒店 预订 确认 取消 完成 开始 结束 " +
  "重要 紧急 简单 复杂 快速 安全 价格 预算 合同 签字 付款 发票 快递 包裹 生日 礼物 " +
  "医院 学校 老师 学生 考试 作业 图书馆 超市 银行 密码 账号 登录 注册 下载 上传 分享"
).split(" ");

/** English words the generator writes. */
export const EN_WORDS: readonly string[] = (
  "meeting project design system file send check issue today afternoon morning evening " +
  "time address phone customer product test release version feature document report data " +
  "server database user interface mobile laptop network message notice image video music " +
  "movie weekend friend colleague manager company office restaurant lunch dinner coffee " +
  "weather rain airport train travel hotel booking confirm cancel done start finish " +
  "important urgent simple complex quick secure price budget contract sign payment invoice " +
  "delivery package birthday gift hospital school teacher student exam homework library " +
  "market bank password account login signup download upload share deploy review merge"
).split(" ");

/** A word of `words`, the first ones far more often than the last. */
function skewed(words: readonly string[]): string {
  const r = Math.random();
  return words[Math.floor(words.length * r * r)]!;
}

function sentence(words: readonly string[], count: number, join: string): string {
  return Array.from({ length: count }, () => skewed(words)).join(join);
}

/** One message: 4 to 12 words of Chinese, English, or both. */
export function randomText(): string {
  const count = 4 + Math.floor(Math.random() * 9);
  const kind = Math.random();
  if (kind < 0.4) return sentence(ZH_WORDS, count, "") + "。";
  if (kind < 0.8) return sentence(EN_WORDS, count, " ");
  const half = Math.ceil(count / 2);
  return `${sentence(ZH_WORDS, half, "")}，${sentence(EN_WORDS, count - half, " ")}`;
}
