"""Plausible Zhejiang place names, with their pinyin, for the generated townships and villages."""

from __future__ import annotations

import random

# Characters that start place names in Zhejiang (direction, size, colour, landscape, plants, luck).
_FIRST = (
    "东dong 西xi 南nan 北bei 上shang 下xia 大da 小xiao 新xin 高gao 石shi 青qing 白bai 金jin 长chang "
    "龙long 凤feng 马ma 黄huang 柳liu 杨yang 梅mei 竹zhu 松song 云yun 清qing 平ping 安an 和he 丰feng "
    "永yong 宁ning 双shuang 三san 五wu 花hua 茶cha 桃tao 兰lan 仙xian 古gu 前qian 后hou 中zhong 横heng "
    "岩yan 泉quan 里li 外wai 桐tong 枫feng 荷he 杏xing 湖hu 溪xi 塘tang 岭ling 潘pan 郑zheng 吴wu "
    "陈chen 何he 楼lou 方fang 傅fu 翁weng 童tong 鲍bao 琴qin 芝zhi 珠zhu 玉yu 碧bi 紫zi 红hong 翠cui"
)
# Characters that end them: water, hills, fields, settlements.
_SECOND = (
    "溪xi 山shan 塘tang 岭ling 湖hu 桥qiao 坞wu 岙ao 坑keng 头tou 口kou 埠bu 浦pu 湾wan 洋yang 田tian "
    "源yuan 阳yang 林lin 庄zhuang 宅zhai 店dian 畈fan 垄long 墩dun 岗gang 港gang 渡du 园yuan 亭ting "
    "峰feng 门men 堰yan 泽ze 河he 江jiang 屿yu 埭dai 岸an 坪ping 湾wan 桥qiao 川chuan 丘qiu 圩wei 潭tan"
)


def _pairs(table: str) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys((entry[0], entry[1:]) for entry in table.split()))


FIRST = _pairs(_FIRST)
SECOND = _pairs(_SECOND)


def _join(first: str, second: str) -> str:
    # Pinyin marks a syllable boundary before a, o, e (Xi'an, not Xian).
    apostrophe = "'" if second[0] in "aoe" else ""
    return f"{first}{apostrophe}{second}".capitalize()


def place_name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A two-character name not yet in `taken` (which it joins), and its pinyin."""
    while True:
        (z1, p1), (z2, p2) = rng.choice(FIRST), rng.choice(SECOND)
        if z1 != z2 and z1 + z2 not in taken:
            taken.add(z1 + z2)
            return z1 + z2, _join(p1, p2)
