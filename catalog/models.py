"""事项清单, 裁量基准, 服务指南 and the 目录清单s (seed 二(一)3–4). Filled by issue #3."""
