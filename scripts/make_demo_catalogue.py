"""Write src/tongban/catalog/data/demo-catalogue.jsonl: the demo catalogue of 广州市.

Run: .venv/bin/python scripts/make_demo_catalogue.py
The output is deterministic; commit it together with this script. Items are real service names
of Guangzhou / Guangdong (广东政务服务网 item library), with the everyday names people search for.
Departments are the demo departments of tongban.demo.orgs (same credit codes).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "tongban" / "catalog" / "data" / "demo-catalogue.jsonl"

# department key -> serial in tongban.demo.orgs.DEPARTMENTS
DEPTS = {
    "GA": 1, "RS": 2, "YB": 3, "WJ": 4, "MZ": 5, "SJ": 6, "SW": 7, "JY": 8, "ZJ": 9, "GJJ": 10,
    "JT": 11, "ZS": 12, "GZ": 13, "THZS": 14, "THGA": 15, "THSJ": 16, "YXZS": 17,
}  # fmt: skip

THEMES = [
    # code, name, audience, phrase
    ("shengyu", "生育收养", "person", "我要生孩子"),
    ("hukou", "户籍办理", "person", "我要办户口"),
    ("zhengjian", "证件办理", "person", "我要办证件"),
    ("shebao", "社会保险", "person", "我要办社保"),
    ("yibao", "医疗保障", "person", "我要办医保"),
    ("jiuye", "就业创业", "person", "我要找工作"),
    ("jiaoyu", "教育入学", "person", "我要上学"),
    ("hunyin", "婚姻家庭", "person", "我要结婚"),
    ("zhufang", "住房公积金", "person", "我要买房租房"),
    ("yanglao", "退休养老", "person", "我要退休"),
    ("jiuzhu", "社会救助", "person", "我要申请救助"),
    ("canji", "残疾人服务", "person", "我要办残疾人证"),
    ("shenhou", "身后事", "person", "家人去世怎么办"),
    ("chuxing", "交通出行", "person", "我要开车出行"),
    ("churujing", "出入境", "person", "我要出国出境"),
    ("budongchan", "不动产登记", "person", "我要办房产证"),
    ("kaiban", "开办企业", "legal_person", "我要开办企业"),
    ("shuiwu", "税费办理", "legal_person", "我要办税"),
    ("jingying", "经营许可", "legal_person", "我要办许可证"),
    ("yonggong", "招工用工", "legal_person", "我要招人"),
    ("gongcheng", "工程建设", "legal_person", "我要盖房子搞工程"),
    ("zhuxiao", "企业注销", "legal_person", "我要注销企业"),
]

M: dict[str, tuple[str, str, str, str]] = {
    # key: (name, form, source, certificate_type)
    "id": ("居民身份证", "original", "government", "resident_id"),
    "hukou": ("居民户口簿", "original", "government", "household_register"),
    "photo": ("近期免冠彩色照片", "original", "applicant", ""),
    "birth": ("出生医学证明", "electronic", "government", "birth_medical_certificate"),
    "marriage": ("结婚证", "original", "government", "marriage_certificate"),
    "divorce": ("离婚证", "original", "government", "divorce_certificate"),
    "license": ("营业执照", "electronic", "government", "business_license"),
    "death": ("死亡医学证明", "original", "government", "death_medical_certificate"),
    "cremation": ("火化证明", "original", "government", "cremation_certificate"),
    "form": ("申请表", "original", "applicant", ""),
    "premises": ("经营场所使用证明", "copy", "applicant", ""),
    "lease": ("房屋租赁合同", "copy", "applicant", ""),
    "property": ("不动产权证书", "original", "government", "real_estate_certificate"),
    "driving": ("机动车驾驶证", "original", "government", "driving_license"),
    "vehicle": ("机动车行驶证", "original", "government", "vehicle_license"),
    "medical": ("身体条件证明", "original", "applicant", ""),
    "bank": ("本人银行账户信息", "copy", "applicant", ""),
    "sscard": ("社会保障卡", "original", "government", "social_security_card"),
    "disab": ("残疾人证", "original", "government", "disability_certificate"),
    "diploma": ("毕业证书", "copy", "government", "diploma"),
    "residence": ("广州市居住证", "original", "government", "residence_permit"),
    "labour": ("劳动合同", "copy", "applicant", ""),
    "income": ("家庭经济状况核对授权书", "original", "applicant", ""),
    "articles": ("公司章程", "original", "applicant", ""),
    "shareholders": ("股东身份证明", "copy", "applicant", ""),
    "layout": ("经营场所布局平面图", "original", "applicant", ""),
    "foodsafety": ("食品安全管理制度", "original", "applicant", ""),
    "health": ("从业人员健康证明", "copy", "government", "health_certificate"),
    "passport": ("普通护照", "original", "government", "passport"),
    "hkpass": ("往来港澳通行证", "original", "government", "hk_macao_pass"),
    "tax": ("税务登记信息", "electronic", "government", "tax_registration"),
    "seal": ("单位公章", "original", "applicant", ""),
    "clearance": ("清税证明", "electronic", "government", "tax_clearance"),
    "liquidation": ("清算报告", "original", "applicant", ""),
    "retire": ("退休审批表", "original", "government", "retirement_approval"),
    "pension": ("养老保险缴费记录", "electronic", "government", "pension_record"),
    "archives": ("本人人事档案", "original", "government", ""),
    "school": ("学位申请表", "original", "applicant", ""),
    "vaccine": ("预防接种证", "original", "government", "vaccination_certificate"),
    "kinship": ("亲属关系证明", "original", "government", "kinship_certificate"),
    "contract": ("购房合同", "original", "applicant", ""),
    "plan": ("建设工程设计方案", "original", "applicant", ""),
    "land": ("国有土地使用权证明", "original", "government", "land_use_certificate"),
    "fire": ("消防设计文件", "original", "applicant", ""),
    "poverty": ("收入及财产申报表", "original", "applicant", ""),
    "diagnosis": ("医疗机构诊断证明", "original", "applicant", ""),
    "invoice": ("医疗费用发票", "original", "applicant", ""),
    "unemploy": ("解除或终止劳动合同证明", "original", "applicant", ""),
    "police": ("无犯罪记录证明", "electronic", "government", "no_criminal_record"),
    "guarantee": ("担保函", "original", "applicant", ""),
    "car_invoice": ("机动车销售统一发票", "original", "applicant", ""),
    "insurance": ("交强险凭证", "electronic", "applicant", ""),
}

# key | kind | name | aliases (、) | summary | timing (i = 即办, c<committed>/<statutory>) | depth | visits |
# materials (key, trailing ? = optional) | themes | audience (p, l, pl) | fee (amount:basis) | result (name:type) | popularity
ITEMS = """
GA|confirmation|出生登记|上户口、报户口、新生儿入户、给孩子上户口、宝宝落户|为在本市出生的婴儿办理户口登记，取得户口簿新生儿页，可随父或随母落户。|i|4|0|birth,hukou,marriage?,id|hukou,shengyu|p||居民户口簿（新生儿页）:household_register|980
GA|confirmation|居民身份证首次申领|办身份证、第一次办身份证、小孩办身份证|年满十六周岁的公民应当申领居民身份证，未满十六周岁的可以申领。|c20/60|2|1|hukou,photo?|zhengjian|p|20.00:居民身份证工本费|居民身份证:resident_id|760
GA|confirmation|居民身份证换领|换身份证、身份证到期、身份证过期换新、身份证换证|居民身份证有效期满、登记项目变更或证件损坏的，申请换领新证。|c20/60|3|1|id,photo?|zhengjian|p|20.00:居民身份证工本费|居民身份证:resident_id|990
GA|confirmation|居民身份证补领|身份证丢了、补办身份证、身份证遗失补办、身份证被偷了|居民身份证丢失或被盗的，申请补领新证；补领期间可申请临时身份证。|c20/60|3|1|hukou,photo?|zhengjian|p|40.00:居民身份证工本费|居民身份证:resident_id|970
GA|confirmation|临时居民身份证申领|临时身份证、急用身份证|在申领、换领、补领居民身份证期间急需使用的，可申领临时居民身份证。|i|2|1|hukou,photo|zhengjian|p|10.00:临时居民身份证工本费|临时居民身份证:temporary_id|420
GA|confirmation|居民身份证挂失申报|身份证挂失、身份证丢失挂失|居民身份证丢失后申报挂失，防止被他人冒用。|i|4|0|form|zhengjian|p|||380
GA|confirmation|户口迁入（投靠）|投靠落户、夫妻投靠、老人投靠子女入户|符合投靠条件的亲属迁入本市户口。|c15/30|3|1|id,hukou,kinship,property?|hukou|p||准予迁入证明|520
GA|confirmation|人才引进入户|人才入户、积分入户、大学生落户广州|符合本市人才引进条件的人员申请迁入户口。|c15/30|3|1|id,diploma,labour|hukou,jiuye|p||准予迁入证明|610
GA|confirmation|户口迁出|迁户口、户口迁走|因升学、工作、投靠等原因将户口迁出本市。|i|3|1|id,hukou|hukou|p||户口迁移证|300
GA|confirmation|死亡注销户口|销户、注销户口、人去世销户|公民死亡后，由其亲属申报注销户口。|i|4|0|death,hukou|hukou,shenhou|p|||560
GA|confirmation|居民户口簿补领|户口本丢了、补办户口本、户口簿遗失|居民户口簿遗失或损坏的，申请补发或换发。|i|3|1|id|hukou|p||居民户口簿:household_register|330
GA|confirmation|户口登记项目变更更正|改名字、户口本信息更正、更改出生日期|变更、更正户口登记项目，如姓名、民族、出生日期。|c20/30|2|1|id,hukou|hukou|p|||280
GA|confirmation|居住登记和居住证办理|办居住证、申领居住证、外地人办居住证|在本市居住半年以上的非本市户籍人员申领广州市居住证。|c10/15|4|0|id,lease|hukou,zhengjian|p||广州市居住证:residence_permit|820
GA|permit|普通护照办理|办护照、出国护照、申请护照、护照换发补发|中国公民因私出国申请、换发或补发普通护照。|c7/15|3|1|id,photo|churujing,zhengjian|p|120.00:护照工本费|普通护照:passport|850
GA|permit|往来港澳通行证办理|港澳通行证、办港澳通行证、去香港澳门|内地居民往来香港、澳门申请通行证。|c7/15|3|1|id,photo|churujing,zhengjian|p|60.00:通行证工本费|往来港澳通行证:hk_macao_pass|880
GA|permit|往来港澳通行证签注|港澳签注、去香港签注、续签港澳|为往来港澳通行证办理团队旅游、个人旅游、探亲等签注。|i|4|0|hkpass|churujing|p|15.00:签注费|往来港澳签注|800
GA|permit|往来台湾通行证办理|台湾通行证、大通证、去台湾|大陆居民往来台湾申请通行证。|c10/15|3|1|id,photo|churujing|p|60.00:通行证工本费|往来台湾通行证|260
GA|confirmation|机动车驾驶证换证|驾照到期换证、驾驶证期满换证、换驾照|机动车驾驶证有效期满前九十日内申请换发。|i|4|0|driving,medical|chuxing,zhengjian|p|10.00:驾驶证工本费|机动车驾驶证:driving_license|720
GA|confirmation|机动车驾驶证补领|驾照丢了、驾驶证遗失补办、补驾照|机动车驾驶证遗失的申请补领。|i|4|0|id|chuxing,zhengjian|p|10.00:驾驶证工本费|机动车驾驶证:driving_license|410
GA|confirmation|机动车驾驶人考试|考驾照、学车考试、驾考预约|初次申领机动车驾驶证的考试预约和考试。|c10/20|3|1|id,medical,photo|chuxing|p|||690
GA|confirmation|机动车注册登记|新车上牌、车辆上牌、新车挂牌|新购机动车办理注册登记，核发号牌和行驶证。|i|3|1|id,car_invoice,insurance|chuxing|p|125.00:号牌工本费|机动车行驶证:vehicle_license|640
GA|confirmation|机动车转移登记|过户、二手车过户、车辆过户|机动车所有权转移时办理转移登记。|i|3|1|id,vehicle|chuxing|p|||330
GA|other_power|交通违法处理|处理违章、交罚款、违章查询|查询和处理道路交通安全违法行为，缴纳罚款。|i|4|0|driving|chuxing|p|||760
GA|public_service|无犯罪记录证明开具|开无犯罪证明、无犯罪记录证明、良民证|为个人出具无犯罪记录证明，用于就业、出国等。|c3/5|4|0|id|zhengjian,jiuye|p||无犯罪记录证明:no_criminal_record|590
GA|other_power|公章刻制备案|刻公章、刻章、企业刻章备案、印章刻制|新设立企业刻制公章、财务章、发票章并备案。|i|4|0|license,id|kaiban|l|||650
GA|confirmation|申领居民身份证（异地）|跨省办身份证、异地换领身份证、外地人在广州换身份证|非本市户籍居民在本市申请换领、补领居民身份证。|c30/60|3|1|id,photo?|zhengjian|p|20.00:居民身份证工本费|居民身份证:resident_id|450
RS|public_service|社会保障卡申领|办社保卡、申请社保卡、新办社保卡、医保卡办理|参保人员首次申领第三代社会保障卡（具有金融功能）。|c10/20|4|0|id,photo|shebao,yibao,shengyu|p||社会保障卡:social_security_card|930
RS|public_service|社会保障卡补换领|社保卡丢了、补办社保卡、社保卡换卡、医保卡丢了|社会保障卡遗失、损坏或到期的申请补领换领。|c10/20|4|0|id|shebao|p|20.00:社会保障卡补卡工本费|社会保障卡:social_security_card|760
RS|public_service|社会保障卡挂失|社保卡挂失、医保卡挂失|社会保障卡遗失后办理临时挂失或正式挂失。|i|4|0|id|shebao|p|||420
RS|confirmation|城镇职工基本养老保险参保登记|交社保、灵活就业参保、个人缴纳社保|个人或单位为职工办理基本养老保险参保登记。|i|4|0|id|shebao|pl|||540
RS|confirmation|城乡居民基本养老保险参保登记|居民养老保险、农村养老保险、城乡居民养老参保|未参加职工养老保险的城乡居民办理参保登记。|i|4|0|id,hukou|shebao,yanglao|p|||360
RS|payment|退休申请|办退休、退休手续、申请退休、到龄退休|参保人员达到法定退休年龄，办理退休核准，按月领取基本养老金。|c15/20|4|0|id,archives,pension|yanglao|p||退休审批表:retirement_approval|880
RS|payment|基本养老金申领|领退休金、退休金申领、养老金领取、领养老金|已办理退休手续的人员申请按月领取基本养老金。|c15/20|4|0|id,retire,bank|yanglao,shebao|p|||860
RS|payment|城乡居民养老保险待遇申领|居民养老金领取、农村养老金、老人领养老金|城乡居民养老保险参保人年满六十周岁申领养老保险待遇。|c15/20|4|0|id,bank|yanglao|p|||400
RS|payment|丧葬补助金和抚恤金申领|丧葬费、抚恤金、参保人死亡待遇、死亡抚恤|参保人员因病或非因工死亡后，其遗属申领丧葬补助金和抚恤金。|c15/20|3|1|death,kinship,bank|shenhou,shebao|p|||510
RS|payment|养老保险个人账户一次性待遇申领|个人账户退钱、养老保险退款、死亡退保|参保人员死亡或出国定居的，一次性领取个人账户储存额。|c15/20|3|1|id,bank,death?|shenhou,shebao|p|||320
RS|payment|失业保险金申领|领失业金、失业补助、失业了领钱、申请失业金|失业人员符合条件的申领失业保险金。|c5/20|4|0|id,unemploy,bank|jiuye,shebao|p|||830
RS|confirmation|就业登记|办就业登记、就业失业登记证|劳动者就业后办理就业登记。|i|4|0|id,labour|jiuye|p|||290
RS|payment|创业补贴申领|一次性创业资助、创业补贴、大学生创业补贴|创办企业或个体工商户并正常经营的人员申领一次性创业资助。|c20/30|4|0|id,license,bank|jiuye,kaiban|pl|||470
RS|public_service|职业技能等级证书查询|技能证书查询、职业资格证查询|查询本人职业技能等级证书和职业资格证书信息。|i|4|0||jiuye|p|||240
RS|confirmation|用人单位社会保险登记|单位开户、公司社保开户、企业社保登记|新设立的用人单位办理社会保险登记。|i|4|0|license|yonggong,kaiban|l|||580
RS|confirmation|职工参保登记|员工参保、新员工买社保、职工增员|用人单位为新招用职工办理参保登记（增员）。|i|4|0|id,labour|yonggong|l|||620
RS|permit|劳务派遣经营许可|劳务派遣许可证、办劳务派遣|经营劳务派遣业务应当取得劳务派遣经营许可。|c15/20|3|1|license,articles,premises|jingying|l||劳务派遣经营许可证|120
RS|payment|工伤保险待遇申领|工伤赔偿、工伤报销、工伤待遇|职工因工受伤经认定后申领工伤保险待遇。|c15/20|3|1|id,diagnosis,invoice|shebao|pl|||260
RS|confirmation|工伤认定申请|认定工伤、上班受伤、工伤申请|职工因工作遭受事故伤害或患职业病的，申请工伤认定。|c30/60|3|1|id,labour,diagnosis|shebao|pl||工伤认定决定书|310
RS|public_service|个人社保参保缴费证明打印|社保证明、打印社保缴费记录、社保清单|打印本人社会保险参保缴费证明。|i|4|0||shebao|p||参保缴费证明|900
RS|public_service|档案转递|人事档案转移、档案调动|流动人员人事档案的接收和转递。|c5/10|3|1|id|jiuye|p|||200
RS|public_service|高校毕业生就业报到|毕业生报到、报到证、大学生报到|普通高校毕业生到本市就业的办理报到手续。|i|4|0|id,diploma|jiuye|p|||330
YB|confirmation|城乡居民医保参保登记|买医保、新生儿医保、居民医保参保、小孩买医保、学生医保|未参加职工医保的城乡居民（含新生儿、学生）办理基本医疗保险参保登记。|i|4|0|id,hukou?|yibao,shengyu|p|||910
YB|levy|城乡居民医保缴费|交医保、医保缴费、缴纳居民医保|城乡居民按年度缴纳基本医疗保险费。|i|4|0||yibao|p|||880
YB|payment|生育津贴申领|生育津贴、产假工资、生孩子补贴|参加职工生育保险的女职工生育后申领生育津贴。|c10/20|4|0|id,birth,bank|yibao,shengyu|p|||790
YB|payment|生育医疗费用报销|生孩子报销、产检报销、生育报销|参保人员生育发生的医疗费用按规定报销。|c10/20|4|0|id,invoice,birth|yibao,shengyu|p|||700
YB|payment|异地就医备案|异地医保备案、外地看病备案、跨省就医备案|参保人员到外地就医前办理备案，直接结算医疗费用。|i|4|0|id|yibao|p|||860
YB|payment|门诊特定病种待遇认定|门特、慢性病门诊、特殊病种申请|患有特定病种的参保人申请门诊特定病种待遇。|c5/10|3|1|id,diagnosis|yibao|p|||440
YB|payment|医疗费用零星报销|医保报销、看病报销、医药费报销|因急诊等原因未能直接结算的医疗费用申请报销。|c20/30|3|1|id,invoice,diagnosis|yibao|p|||620
YB|public_service|医保关系转移接续|医保转移、医保转入、医保转出|参保人员跨统筹地区流动时转移医保关系。|c15/45|4|0|id|yibao|p|||380
YB|public_service|医保电子凭证激活|医保码、激活医保电子凭证|激活并使用医保电子凭证看病购药。|i|4|0||yibao|p|||500
WJ|confirmation|出生医学证明签发|办出生证、出生证明、孩子出生证|为在本市医疗机构出生的新生儿签发出生医学证明。|i|3|1|id,marriage?|shengyu|p||出生医学证明:birth_medical_certificate|900
WJ|confirmation|出生医学证明补发|出生证丢了、补办出生证、出生证明遗失|出生医学证明遗失的，申请补发。|c20/30|2|1|id,hukou|shengyu|p||出生医学证明:birth_medical_certificate|260
WJ|public_service|生育登记|生孩子登记、准生证、生育服务证、怀孕登记|夫妻生育子女办理生育登记，领取生育服务登记卡。|i|4|0|id,marriage?|shengyu|p||生育服务登记卡|780
WJ|public_service|预防接种证办理|打疫苗本、接种证、宝宝疫苗本|新生儿办理预防接种证，建立预防接种档案；网上申请后，首次接种时在接种单位领取接种证。|i|3|1|birth|shengyu|p||预防接种证:vaccination_certificate|520
WJ|confirmation|死亡医学证明签发|死亡证明、开死亡证明、人去世开证明|公民死亡后，由医疗卫生机构签发居民死亡医学证明（推断）书。|i|1|1|id|shenhou|p||死亡医学证明:death_medical_certificate|540
WJ|permit|医师执业注册|医生执业证、医师注册|取得医师资格的人员申请执业注册。|c20/20|3|1|id,diploma,photo|jiuye|p||医师执业证书|150
WJ|permit|公共场所卫生许可|卫生许可证、美容院卫生许可、酒店卫生许可|经营住宿、美容美发、游泳场所等公共场所须取得卫生许可。|c10/20|4|0|license,layout|jingying|l||公共场所卫生许可证|300
WJ|public_service|母婴保健技术服务|婚检、孕前检查、免费婚检|提供婚前医学检查和孕前优生健康检查服务。|i|1|1|id|hunyin,shengyu|p|||210
WJ|public_service|健康证明办理|办健康证、从业人员健康证、食品健康证|食品、公共场所从业人员预防性健康检查，取得健康证明。|c3/5|2|1|id,photo|jiuye,jingying|p|48.00:体检费|从业人员健康证明:health_certificate|700
MZ|confirmation|内地居民结婚登记|领结婚证、结婚登记、扯证、办结婚证|内地居民男女双方自愿结婚，到婚姻登记机关办理结婚登记。|i|3|1|id,hukou,photo|hunyin|p||结婚证:marriage_certificate|890
MZ|confirmation|内地居民离婚登记|协议离婚、办离婚、离婚手续|男女双方自愿离婚并对子女和财产达成协议的，办理离婚登记（含冷静期）。|c30/30|3|2|id,hukou,marriage|hunyin|p||离婚证:divorce_certificate|420
MZ|confirmation|补领婚姻登记证|结婚证丢了、补办结婚证、结婚证遗失|结婚证、离婚证遗失或损毁的，申请补领。|i|3|1|id,hukou,photo|hunyin|p||结婚证:marriage_certificate|360
MZ|confirmation|婚姻登记记录证明|婚姻状况证明、单身证明、婚姻登记记录查询|出具本人婚姻登记记录证明。|i|4|0|id|hunyin|p||婚姻登记记录证明|300
MZ|confirmation|收养登记|领养孩子、收养小孩、办理收养|收养人与送养人办理收养登记。|c30/30|2|2|id,hukou,income|shengyu,hunyin|p||收养登记证|120
MZ|payment|最低生活保障审批|低保、申请低保、吃低保、最低生活保障|家庭人均收入低于当地低保标准的居民申请最低生活保障。|c20/30|4|0|id,hukou,income,poverty|jiuzhu|p|||680
MZ|payment|特困人员救助供养|五保户、特困供养、孤寡老人供养|无劳动能力、无生活来源、无法定赡养人的老年人、残疾人和未成年人申请救助供养。|c20/30|3|1|id,hukou,income|jiuzhu|p|||260
MZ|payment|临时救助|临时困难救助、急难救助、应急救助|因突发事件、意外伤害等导致基本生活暂时困难的家庭申请临时救助。|c10/20|4|0|id,income|jiuzhu|p|||380
MZ|payment|高龄老人津贴申领|高龄津贴、老人补贴、长寿保健金、八十岁老人补贴|年满八十周岁的本市户籍老年人申领高龄津贴。|c15/20|4|0|id,bank|yanglao,jiuzhu|p|||540
MZ|confirmation|残疾人证办理|办残疾证、残疾人证申请、残疾证|残疾人申领中华人民共和国残疾人证。|c20/30|2|1|id,hukou,photo,diagnosis|canji|p||残疾人证:disability_certificate|560
MZ|confirmation|残疾人证换领补领|残疾证到期换证、残疾证丢了|残疾人证有效期满或遗失的申请换领、补领。|c20/30|3|1|id,photo|canji|p||残疾人证:disability_certificate|240
MZ|payment|困难残疾人生活补贴和重度残疾人护理补贴|两项补贴、残疾人补贴、护理补贴|困难残疾人和重度残疾人申领生活补贴和护理补贴。|c15/20|4|0|disab,bank|canji,jiuzhu|p|||470
MZ|public_service|遗体火化|火化、遗体火化、殡仪馆火化、办丧事|公民去世后到殡仪馆办理遗体接运和火化。|i|1|1|death,id|shenhou|p|0.00:基本殡葬服务免费|火化证明:cremation_certificate|520
MZ|payment|基本殡葬服务费用减免|殡葬费减免、免费火化、丧葬费用减免|本市户籍居民去世后，减免遗体接运、火化等基本殡葬服务费用。|i|3|1|death,id|shenhou|p|||430
MZ|public_service|骨灰安放（公益性骨灰楼堂）|骨灰存放、骨灰寄存、墓地|公益性公墓或骨灰楼堂安放骨灰。|i|1|1|cremation,id|shenhou|p|||190
MZ|confirmation|社会团体成立登记|成立协会、成立商会、社团登记|发起成立社会团体的办理成立登记。|c20/60|3|1|articles,form|kaiban|l||社会团体法人登记证书|80
MZ|confirmation|民办非企业单位（社会服务机构）成立登记|民非登记、成立社会服务机构、民办学校登记|举办社会服务机构的办理成立登记。|c20/60|3|1|articles,form|kaiban|l||民办非企业单位登记证书|70
MZ|payment|居家养老服务资助|居家养老补贴、长者饭堂、养老服务补贴|符合条件的老年人申请居家养老服务资助。|c15/20|4|0|id|yanglao|p|||260
SJ|confirmation|企业设立登记|注册公司、开公司、成立公司、办营业执照、公司注册|有限责任公司、股份有限公司等企业申请设立登记，领取营业执照。|c1/15|4|0|form,articles,shareholders,premises|kaiban|l||营业执照:business_license|980
SJ|confirmation|个体工商户设立登记|开店、个体户营业执照、开个体户、办个体执照、开小店|个人经营者申请个体工商户设立登记，领取营业执照。|i|4|0|id,premises|kaiban|pl||营业执照:business_license|960
SJ|confirmation|企业变更登记|公司变更、改公司名、换法人、变更经营范围|企业名称、住所、法定代表人、注册资本、经营范围等变更登记。|c1/15|4|0|license,form|kaiban|l||营业执照:business_license|720
SJ|confirmation|企业注销登记|注销公司、公司注销、关闭公司|企业解散后办理注销登记（含简易注销）。|c3/20|4|0|license,liquidation,clearance|zhuxiao|l|||560
SJ|confirmation|个体工商户注销登记|注销个体户、关店、个体户注销|个体工商户不再经营的办理注销登记。|i|4|0|license|zhuxiao|pl|||420
SJ|confirmation|个体工商户变更登记|个体户变更、改店名、个体户换经营者|个体工商户名称、经营场所、经营范围等变更登记。|i|4|0|license,id|kaiban|pl||营业执照:business_license|300
SJ|permit|食品经营许可|食品经营许可证、开餐馆许可、餐饮许可证、开饭店、开奶茶店许可|从事食品销售和餐饮服务应当取得食品经营许可证。|c10/20|4|0|license,layout,foodsafety,health|jingying|pl||食品经营许可证:food_business_license|900
SJ|confirmation|食品经营备案（仅销售预包装食品）|预包装食品备案、小卖部备案、卖包装食品|仅销售预包装食品的，向市场监管部门备案。|i|4|0|license|jingying|pl|||380
SJ|permit|食品生产许可|食品厂许可证、SC认证、食品生产许可证|从事食品生产应当取得食品生产许可证。|c10/20|3|1|license,layout,foodsafety|jingying|l||食品生产许可证|200
SJ|permit|药品零售企业许可|开药店、药店许可证、药品经营许可证|开办药品零售企业取得药品经营许可证。|c15/30|3|1|license,premises,layout|jingying|l||药品经营许可证|260
SJ|confirmation|企业年度报告公示|企业年报、工商年报、年检|企业每年一月一日至六月三十日报送上一年度年度报告。|i|4|0||kaiban|l|||640
SJ|permit|特种设备使用登记|电梯登记、锅炉登记、特种设备登记|特种设备投入使用前办理使用登记。|c10/15|3|1|license,form|jingying|l||特种设备使用登记证|150
SJ|confirmation|企业名称自主申报|公司起名、企业核名、名称预先登记|企业登记前自主申报企业名称。|i|4|0||kaiban|l|||500
SW|confirmation|新办纳税人套餐（税务登记信息确认）|税务登记、办税务登记证、新公司报到、税务报到|新设立企业领取营业执照后确认税务登记信息，办理实名认证、税种核定。|i|4|0|license,id|shuiwu,kaiban|l|||860
SW|public_service|发票申领|领发票、申领发票、开发票、发票领用、税控盘|纳税人申请发票票种核定并领用发票（数电发票）。|i|4|0|license|shuiwu,kaiban|pl|||840
SW|public_service|代开增值税发票|代开发票、个人开发票、帮开发票|个人或未领发票的纳税人申请税务机关代开发票。|i|4|0|id|shuiwu|pl|||450
SW|levy|个人所得税综合所得年度汇算|个税汇算、个税退税、个人所得税退税、年度汇算|纳税人办理上一年度综合所得个人所得税汇算清缴，多退少补。|i|4|0|id|shuiwu|p|||900
SW|levy|增值税申报|报税、增值税报税、月度申报|增值税纳税人按期办理增值税纳税申报。|i|4|0|license|shuiwu|l|||700
SW|public_service|清税证明开具|清税证明、税务注销、注销税务|纳税人注销前办理清税，领取清税证明。|i|4|0|license|zhuxiao,shuiwu|l||清税证明:tax_clearance|420
SW|public_service|个人所得税纳税记录开具|个税证明、完税证明、纳税证明|开具个人所得税纳税记录，用于买房、落户等。|i|4|0|id|shuiwu|p||纳税记录|520
SW|levy|契税申报|买房交契税、契税缴纳、房产契税|承受土地、房屋权属的单位和个人申报缴纳契税。|i|4|0|id,contract|shuiwu,budongchan|pl|||600
JY|public_service|义务教育入学申请|小学报名、小学入学、孩子上小学、一年级报名、初中入学|适龄儿童少年申请义务教育阶段公办学校学位（小一、初一）。|c20/30|4|0|id,hukou,property?,lease?|jiaoyu|p|||930
JY|public_service|随迁子女积分入学申请|积分入学、外地孩子上学、来穗人员子女入学|来穗人员随迁子女通过积分制申请公办学校学位。|c30/30|4|0|id,residence,labour|jiaoyu|p|||720
JY|public_service|幼儿园入园报名|幼儿园报名、上幼儿园、入园|适龄儿童报名公办幼儿园和普惠性民办幼儿园。|c20/30|4|0|hukou,vaccine|jiaoyu|p|||680
JY|confirmation|教师资格认定|教资认定、教师资格证、办教师证|通过教师资格考试的人员申请教师资格认定。|c20/60|3|1|id,diploma,medical,photo|jiuye|p||教师资格证书|540
JY|permit|民办学校设立|办培训机构、开办学校、民办学校审批|举办民办学校（含培训机构）的设立审批。|c30/90|2|2|articles,premises|jingying|l||办学许可证|90
JY|payment|学生资助申请|助学金、困难学生补助、学费减免|家庭经济困难学生申请国家助学金和学费减免。|c20/30|4|0|id,income|jiaoyu,jiuzhu|p|||300
JY|public_service|中小学学籍转学|转学、孩子转学、学籍转移|义务教育阶段学生办理转学。|c10/15|4|0|id|jiaoyu|p|||410
ZJ|payment|公共租赁住房申请|公租房、申请公租房、廉租房、保障房|本市住房困难家庭申请公共租赁住房保障。|c30/60|4|0|id,hukou,income|zhufang,jiuzhu|p|||640
ZJ|public_service|商品房买卖合同网签备案|网签、购房备案、买房网签|新建商品房买卖合同网上签约和备案。|i|4|0|id,contract|zhufang,budongchan|p|||560
ZJ|public_service|房屋租赁登记备案|租房备案、租赁合同备案、房屋出租登记|房屋出租人和承租人办理租赁登记备案。|i|4|0|id,lease|zhufang|p||房屋租赁登记备案证明|480
ZJ|permit|建筑工程施工许可|施工许可证、开工许可、办施工证|建筑工程开工前办理施工许可。|c3/15|4|0|license,plan|gongcheng|l||建筑工程施工许可证|320
ZJ|permit|建筑业企业资质核准|建筑资质、施工资质、建筑公司资质|建筑业企业申请施工总承包、专业承包资质。|c20/20|4|0|license,articles|gongcheng|l||建筑业企业资质证书|160
ZJ|confirmation|建设工程消防验收|消防验收、工程消防验收|特殊建设工程竣工后申请消防验收。|c10/15|3|1|license,fire|gongcheng|l||消防验收意见书|220
GJJ|payment|住房公积金提取（购房）|买房提公积金、提取公积金买房、公积金取出来|购买自住住房的职工提取住房公积金。|c3/3|4|0|id,contract,bank|zhufang|p|||880
GJJ|payment|住房公积金提取（租房）|租房提公积金、提取公积金付房租|无自有住房租房居住的职工提取住房公积金支付房租。|i|4|0|id,bank|zhufang|p|||900
GJJ|payment|住房公积金提取（退休）|退休提公积金、退休取公积金、销户提取|职工退休后提取住房公积金并销户。|c3/3|4|0|id,retire,bank|zhufang,yanglao|p|||520
GJJ|payment|住房公积金个人住房贷款|公积金贷款、公积金买房贷款|缴存职工购买、建造自住住房申请住房公积金贷款。|c15/20|3|1|id,marriage?,contract|zhufang|p|||650
GJJ|confirmation|住房公积金缴存登记|公积金开户、单位开公积金、员工公积金开户|单位为职工办理住房公积金缴存登记和开户。|i|4|0|license|zhufang,yonggong|l|||480
GJJ|public_service|住房公积金缴存证明打印|公积金证明、公积金缴存明细|打印本人住房公积金缴存证明。|i|4|0||zhufang|p||缴存证明|420
JT|permit|网络预约出租汽车驾驶员证|网约车驾驶证、网约车司机证、跑滴滴|从事网约车经营的驾驶员申请网络预约出租汽车驾驶员证。|c10/20|3|1|id,driving,police|chuxing,jiuye|p||网络预约出租汽车驾驶员证|380
JT|permit|道路运输经营许可|道路运输许可证、货运许可、开物流公司|从事道路普通货物运输经营的申请经营许可。|c10/20|3|1|license,vehicle|jingying|l||道路运输经营许可证|210
JT|public_service|羊城通学生卡办理|学生公交卡、学生羊城通、学生乘车优惠|学生办理学生羊城通卡，享受公交地铁优惠。|c5/10|4|0|id,photo|chuxing,jiaoyu|p|||390
JT|public_service|老年人免费乘车卡办理|老人公交卡、长者卡、老年卡、敬老卡|六十五周岁以上老年人办理免费乘车卡。|c5/10|3|1|id,photo|chuxing,yanglao|p|||580
ZS|public_service|政务服务事项预约|预约办事、网上预约、排队取号|预约政务服务中心窗口办事时间。|i|4|0||zhengjian|pl|||400
ZS|public_service|长者服务专窗帮办|老人帮办、代办服务、帮老人办事|为老年人、残疾人提供帮办代办服务。|i|1|1|id|yanglao,canji|p|||260
GZ|confirmation|不动产首次登记|房产证办理、新房办证、办房产证|新建房屋办理不动产首次登记。|c5/30|3|1|id,contract,land|budongchan|pl||不动产权证书:real_estate_certificate|660
GZ|confirmation|不动产转移登记（二手房买卖）|二手房过户、房产过户、买二手房|二手房买卖后办理不动产转移登记。|c5/30|3|1|id,property,contract|budongchan,zhufang|p||不动产权证书:real_estate_certificate|800
GZ|confirmation|不动产转移登记（继承）|房产继承、继承过户、遗产房子过户|因继承取得房屋的办理不动产转移登记。|c5/30|2|1|id,property,death,kinship|budongchan,shenhou|p||不动产权证书:real_estate_certificate|460
GZ|confirmation|不动产抵押登记|房产抵押、房屋抵押登记、抵押贷款登记|以不动产设定抵押的办理抵押登记。|c3/30|4|0|id,property,contract|budongchan|pl||不动产登记证明|520
GZ|confirmation|不动产权证书补发|房产证丢了、补办房产证、房本遗失|不动产权证书遗失或灭失的申请补发。|c10/30|3|1|id|budongchan|p||不动产权证书:real_estate_certificate|280
GZ|public_service|不动产登记信息查询|查房产、房产查册、查询名下房产|查询本人名下不动产登记信息，出具查询结果。|i|4|0|id|budongchan|p||不动产登记信息查询结果|760
GZ|permit|建设用地规划许可|用地规划许可证、规划许可|建设单位申请建设用地规划许可证。|c10/20|3|1|license,land|gongcheng|l||建设用地规划许可证|140
GZ|permit|建设工程规划许可|工程规划许可证、建房规划许可|建设工程开工前申请建设工程规划许可证。|c10/20|4|0|license,plan|gongcheng|l||建设工程规划许可证|200
THZS|public_service|天河区政务服务中心综合窗口受理|天河办事大厅、天河政务中心|天河区政务服务中心综合窗口无差别受理各类事项。|i|1|1|id|zhengjian|pl|||300
THGA|confirmation|天河区居民身份证换领|天河换身份证、天河区身份证|天河区户籍居民在区内派出所换领居民身份证。|c20/60|3|1|id,photo?|zhengjian|p|20.00:居民身份证工本费|居民身份证:resident_id|210
THGA|confirmation|天河区出生登记|天河上户口、天河新生儿入户|天河区户籍父母为新生儿申报出生登记。|i|4|0|birth,hukou|hukou,shengyu|p||居民户口簿（新生儿页）:household_register|180
THSJ|confirmation|天河区个体工商户设立登记|天河开店、天河个体户执照|在天河区经营的个人申请个体工商户登记。|i|4|0|id,premises|kaiban|pl||营业执照:business_license|240
THSJ|permit|天河区食品经营许可|天河餐饮许可证、天河开饭店|在天河区从事餐饮服务、食品销售的申请食品经营许可。|c10/20|4|0|license,layout,foodsafety|jingying|pl||食品经营许可证:food_business_license|200
YXZS|public_service|越秀区政务服务中心预约|越秀办事预约、越秀政务中心|预约越秀区政务服务中心窗口办事。|i|4|0||zhengjian|pl|||150
SJ|permit|户外广告设置登记|招牌备案、店铺招牌、门头招牌设置|设置户外广告和招牌的办理登记。|c5/20|4|0|license,layout|jingying|l|||260
ZJ|permit|城市建筑垃圾处置核准|装修垃圾、建筑垃圾处置|产生建筑垃圾的单位申请处置核准。|c10/20|4|0|license|gongcheng|l|||140
RS|confirmation|灵活就业人员参保登记|自由职业交社保、灵活就业社保、个人交社保|无雇工的个体工商户、灵活就业人员以个人身份参加社会保险。|i|4|0|id|shebao,jiuye|p|||700
YB|public_service|新生儿医保参保登记|新生儿医保、宝宝买医保、婴儿参保|新生儿出生后办理城乡居民医保参保登记，出生当年免缴。|i|4|0|birth,hukou?|yibao,shengyu|p|||720
MZ|confirmation|涉外、涉港澳台居民结婚登记|涉外婚姻、和外国人结婚、港澳台结婚登记|内地居民同外国人、港澳台居民在内地结婚的办理登记。|i|2|1|id,hukou,passport,photo|hunyin|p||结婚证:marriage_certificate|150
GA|confirmation|户籍证明开具|户籍证明、开户口证明|开具户籍证明，证明户口登记事项。|i|4|0|id|hukou|p||户籍证明|400
WJ|payment|独生子女父母奖励|独生子女奖励、独生子女费|符合条件的独生子女父母申领奖励金。|c15/20|4|0|id,hukou|shengyu,yanglao|p|||220
"""

BUNDLES = [
    (
        "bundle-birth",
        "新生儿出生一件事",
        ["孩子出生办什么", "生孩子一件事", "宝宝出生", "新生儿办证"],
        ["shengyu"],
        ["WJ-003", "WJ-001", "WJ-004", "GA-001", "YB-010", "RS-001", "YB-003"],
        "孩子出生后，出生医学证明、预防接种证、上户口、医保参保、社保卡和生育津贴一次申请，5个工作日办结。",
        5,
    ),
    (
        "bundle-company",
        "开办企业一件事",
        ["开公司一件事", "开办企业一网通办", "新公司开办"],
        ["kaiban"],
        ["SJ-013", "SJ-001", "GA-025", "SW-001", "SW-002", "RS-015", "GJJ-005"],
        "企业设立登记、公章刻制、税务报到和发票申领、社保和公积金开户一次办理，1个工作日内办结。",
        1,
    ),
    (
        "bundle-retire",
        "退休一件事",
        ["办退休一件事", "退休手续一次办", "到龄退休"],
        ["yanglao"],
        ["RS-006", "RS-007", "GJJ-003"],
        "职工退休核准、基本养老金申领和住房公积金退休提取一次办理。",
        15,
    ),
    (
        "bundle-death",
        "身后一件事",
        ["逝者身后一件事", "家人去世办什么", "身后事", "人走了要办什么"],
        ["shenhou"],
        ["WJ-005", "MZ-013", "MZ-014", "GA-010", "RS-009", "RS-010", "GZ-003"],
        "亲人离世后，死亡医学证明、遗体火化、殡葬费减免、户口注销、丧葬补助金和抚恤金等一次办理。",
        10,
    ),
    (
        "bundle-school",
        "义务教育入学一件事",
        ["入学一件事", "孩子上学一件事", "小一入学", "上小学要办什么"],
        ["jiaoyu"],
        ["JY-001", "JY-002", "JT-003"],
        "适龄儿童入学报名、积分入学和学生卡一次申请，学位、户籍、房产信息由部门共享核验。",
        20,
    ),
    (
        "bundle-restaurant",
        "开餐饮店一件事",
        ["开饭店一件事", "开餐馆", "开奶茶店", "开小吃店"],
        ["kaiban", "jingying"],
        ["SJ-002", "SJ-007", "WJ-009", "SJ-014"],
        "开办餐饮店：个体工商户登记、食品经营许可、从业人员健康证明和招牌设置一次办理。",
        10,
    ),
    (
        "bundle-marriage",
        "结婚一件事",
        ["结婚要办什么", "新婚一件事"],
        ["hunyin"],
        ["WJ-008", "MZ-001", "GA-012"],
        "婚前检查、结婚登记、户口登记项目变更一次办理。",
        1,
    ),
]

# bundles the demo applies for online in one submission (the bundle journey): all items depth ≥ 3
ONLINE_BUNDLES = {"bundle-birth", "bundle-company", "bundle-retire"}

# Fields the real application forms share (formats as in tongban.cases.schema: mobile, id-number, credit-code, date)
PHONE = {
    "type": "string",
    "title": "联系电话（手机）",
    "format": "mobile",
    "description": "办理进度和领取通知发到这个号码",
}
COLLECT = {"type": "string", "title": "领取方式", "enum": ["窗口领取", "邮寄到家（邮费到付）"]}
MAIL_ADDRESS = {"type": "string", "title": "邮寄地址", "maxLength": 100, "description": "选择邮寄时填写，写到门牌号"}
ACCOUNT = {"type": "string", "title": "收款银行账号", "pattern": "^[0-9]{12,19}$", "description": "本人名下的银行卡号"}
FOOD_LICENCE: dict[str, Any] = {  # 食品经营许可申请书 (《食品经营许可和备案管理办法》附件)
    "title": "食品经营许可申请书",
    "required": [
        "operator_name", "credit_code", "person_in_charge", "address", "area", "business_type",
        "business_items", "safety_manager", "employees", "phone",
    ],
    "properties": {
        "operator_name": {"type": "string", "title": "经营者名称", "maxLength": 60, "description": "与营业执照一致"},
        "credit_code": {"type": "string", "title": "统一社会信用代码", "format": "credit-code"},
        "shop_name": {"type": "string", "title": "店铺招牌名称", "maxLength": 30},
        "person_in_charge": {"type": "string", "title": "法定代表人（负责人）姓名", "maxLength": 20},
        "address": {"type": "string", "title": "经营场所", "maxLength": 100, "description": "详细地址，写到门牌号"},
        "area": {"type": "number", "title": "经营场所面积（平方米）", "minimum": 1},
        "business_type": {"type": "string", "title": "主体业态", "enum": ["食品销售经营者", "餐饮服务经营者", "单位食堂"]},
        "business_items": {
            "type": "array",
            "title": "经营项目",
            "minItems": 1,
            "items": {"enum": [
                "预包装食品销售（含冷藏冷冻食品）", "散装食品销售（含冷藏冷冻食品）", "特殊食品销售", "热食类食品制售",
                "冷食类食品制售", "生食类食品制售", "半成品制售", "自制饮品制售", "其他类食品制售",
            ]},
        },
        "online": {"type": "boolean", "title": "通过互联网从事食品经营"},
        "safety_manager": {"type": "string", "title": "食品安全管理人员姓名", "maxLength": 20},
        "employees": {"type": "integer", "title": "从业人员人数", "minimum": 1},
        "phone": PHONE,
    },
}  # fmt: skip
SOLE_TRADER: dict[str, Any] = {
    "title": "个体工商户设立登记申请书",
    "required": ["shop_name", "operator", "address", "scope", "phone"],
    "properties": {
        "shop_name": {"type": "string", "title": "个体工商户名称", "maxLength": 60},
        "operator": {"type": "string", "title": "经营者姓名", "maxLength": 20},
        "address": {"type": "string", "title": "经营场所", "maxLength": 100},
        "form_of_organisation": {"type": "string", "title": "组成形式", "enum": ["个人经营", "家庭经营"]},
        "scope": {"type": "string", "title": "经营范围", "maxLength": 200},
        "capital": {"type": "number", "title": "资金数额（万元）", "minimum": 0},
        "employees": {"type": "integer", "title": "从业人数", "minimum": 1},
        "phone": PHONE,
    },
}

FORMS: dict[str, dict[str, Any]] = {
    "GA-001": {
        "title": "出生登记申请表",
        "required": ["child_name", "birth_date", "parent_id"],
        "properties": {
            "child_name": {"type": "string", "title": "新生儿姓名", "maxLength": 20},
            "gender": {"type": "string", "title": "性别", "enum": ["男", "女"]},
            "birth_date": {"type": "string", "title": "出生日期", "format": "date"},
            "parent_id": {"type": "string", "title": "申报人身份证号"},
            "follow": {"type": "string", "title": "随父或随母落户", "enum": ["随父", "随母"]},
        },
    },
    "SJ-002": SOLE_TRADER,
    "THSJ-001": SOLE_TRADER,
    "SJ-007": FOOD_LICENCE,
    "THSJ-002": FOOD_LICENCE,
    "SJ-001": {
        "title": "公司登记（备案）申请书",
        "required": ["company_name", "company_type", "address", "capital", "legal_representative", "scope", "phone"],
        "properties": {
            "company_name": {"type": "string", "title": "企业名称", "maxLength": 60, "description": "已自主申报的名称"},
            "company_type": {
                "type": "string",
                "title": "企业类型",
                "enum": ["有限责任公司", "股份有限公司", "个人独资企业", "合伙企业"],
            },
            "address": {"type": "string", "title": "住所", "maxLength": 100},
            "capital": {"type": "number", "title": "注册资本（万元）", "minimum": 0},
            "legal_representative": {"type": "string", "title": "法定代表人姓名", "maxLength": 20},
            "scope": {"type": "string", "title": "经营范围", "maxLength": 300},
            "phone": PHONE,
        },
    },
    "GA-003": {
        "title": "居民身份证换领申请",
        "required": ["reason", "collect", "phone"],
        "properties": {
            "reason": {
                "type": "string",
                "title": "换领原因",
                "enum": ["有效期满", "登记项目变更", "证件损坏", "相片与本人差异较大"],
            },
            "collect": COLLECT,
            "mail_address": MAIL_ADDRESS,
            "phone": PHONE,
        },
    },
    "GA-004": {
        "title": "居民身份证补领申请",
        "required": ["lost_on", "how_lost", "collect", "phone"],
        "properties": {
            "lost_on": {"type": "string", "title": "丢失日期", "format": "date"},
            "how_lost": {"type": "string", "title": "丢失经过", "maxLength": 200},
            "temporary": {"type": "boolean", "title": "同时申领临时居民身份证"},
            "collect": COLLECT,
            "mail_address": MAIL_ADDRESS,
            "phone": PHONE,
        },
    },
    "GA-013": {
        "title": "居住登记申报表",
        "required": ["address", "since", "housing", "phone"],
        "properties": {
            "address": {"type": "string", "title": "居住地址", "maxLength": 100},
            "since": {"type": "string", "title": "居住起始日期", "format": "date"},
            "housing": {
                "type": "string",
                "title": "住所类型",
                "enum": ["租赁房屋", "自有房屋", "单位宿舍", "借住亲友家"],
            },
            "employer": {"type": "string", "title": "就业单位或就读学校", "maxLength": 60},
            "phone": PHONE,
        },
    },
    "GA-014": {
        "title": "中国公民出入境证件申请表（护照）",
        "required": ["application", "purpose", "collect", "phone"],
        "properties": {
            "application": {"type": "string", "title": "申请类别", "enum": ["首次申领", "换发", "补发"]},
            "purpose": {
                "type": "string",
                "title": "出境事由",
                "enum": ["旅游", "探亲访友", "商务", "留学", "定居", "其他"],
            },
            "collect": COLLECT,
            "mail_address": MAIL_ADDRESS,
            "phone": PHONE,
        },
    },
    "GA-015": {
        "title": "中国公民出入境证件申请表（往来港澳通行证）",
        "required": ["application", "endorsement", "collect", "phone"],
        "properties": {
            "application": {"type": "string", "title": "申请类别", "enum": ["首次申领", "换发", "补发"]},
            "endorsement": {
                "type": "string",
                "title": "签注种类",
                "enum": ["个人旅游", "团队旅游", "探亲", "商务", "不办理签注"],
            },
            "collect": COLLECT,
            "mail_address": MAIL_ADDRESS,
            "phone": PHONE,
        },
    },
    "YB-001": {
        "title": "城乡居民基本医疗保险参保登记表",
        "required": ["insured_name", "insured_id", "category", "phone"],
        "properties": {
            "insured_name": {"type": "string", "title": "参保人姓名", "maxLength": 20},
            "insured_id": {"type": "string", "title": "参保人身份证号码", "format": "id-number"},
            "category": {
                "type": "string",
                "title": "参保类别",
                "enum": ["成年居民", "老年居民", "中小学生和儿童", "在校大学生"],
            },
            "relation": {"type": "string", "title": "与申请人关系", "enum": ["本人", "子女", "父母", "配偶", "其他"]},
            "phone": PHONE,
        },
    },
    "YB-002": {
        "title": "城乡居民医保缴费",
        "required": ["insured_id", "year"],
        "properties": {
            "insured_id": {"type": "string", "title": "参保人身份证号码", "format": "id-number"},
            "year": {"type": "integer", "title": "缴费年度", "minimum": 2024, "maximum": 2030},
        },
    },
    "YB-005": {
        "title": "异地就医备案登记表",
        "required": ["kind", "destination", "start_on", "phone"],
        "properties": {
            "kind": {
                "type": "string",
                "title": "备案类型",
                "enum": ["异地长期居住", "常驻异地工作", "异地转诊就医", "临时外出就医"],
            },
            "destination": {"type": "string", "title": "就医地（省、市）", "maxLength": 40},
            "start_on": {"type": "string", "title": "备案开始日期", "format": "date"},
            "phone": PHONE,
        },
    },
    "RS-011": {
        "title": "失业保险金申领登记表",
        "required": ["last_employer", "left_on", "reason", "account"],
        "properties": {
            "last_employer": {"type": "string", "title": "原工作单位", "maxLength": 60},
            "left_on": {"type": "string", "title": "离职日期", "format": "date"},
            "reason": {
                "type": "string",
                "title": "离职原因",
                "enum": ["劳动合同期满终止", "用人单位解除", "协商一致解除", "用人单位原因本人解除"],
            },
            "account": ACCOUNT,
        },
    },
    "RS-020": {
        "title": "参保缴费证明打印",
        "required": ["from_month", "to_month", "purpose"],
        "properties": {
            "from_month": {
                "type": "string",
                "title": "起始年月",
                "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
                "description": "如 2024-01",
            },
            "to_month": {
                "type": "string",
                "title": "截止年月",
                "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
                "description": "如 2026-06",
            },
            "purpose": {
                "type": "string",
                "title": "用途",
                "enum": ["购房", "购车摇号", "子女入学", "积分入户", "其他"],
            },
        },
    },
    "SW-004": {
        "title": "个人所得税年度自行纳税申报表（简易版）",
        "required": ["tax_year", "employer", "outcome"],
        "properties": {
            "tax_year": {"type": "integer", "title": "所得年度", "minimum": 2019, "maximum": 2030},
            "employer": {"type": "string", "title": "任职受雇单位", "maxLength": 60},
            "outcome": {"type": "string", "title": "汇算结果", "enum": ["申请退税", "补缴税款", "无需退补"]},
            "account": {**ACCOUNT, "title": "退税银行账号", "description": "申请退税时填写，本人名下的银行卡号"},
        },
    },
    "MZ-001": {
        "title": "结婚登记申请",
        "required": ["partner_name", "partner_id", "appointment_on"],
        "properties": {
            "partner_name": {"type": "string", "title": "对方姓名", "maxLength": 20},
            "partner_id": {"type": "string", "title": "对方身份证号码", "format": "id-number"},
            "appointment_on": {"type": "string", "title": "预约登记日期", "format": "date"},
            "office": {
                "type": "string",
                "title": "婚姻登记处",
                "enum": ["天河区婚姻登记处", "越秀区婚姻登记处", "海珠区婚姻登记处", "荔湾区婚姻登记处"],
            },
        },
    },
    "GJJ-001": {
        "title": "住房公积金提取申请表（购房）",
        "required": ["house_address", "bought_on", "price", "amount", "account"],
        "properties": {
            "house_address": {"type": "string", "title": "房屋坐落", "maxLength": 100},
            "bought_on": {"type": "string", "title": "购房合同签订日期", "format": "date"},
            "price": {"type": "number", "title": "购房总价（元）", "minimum": 0},
            "amount": {"type": "number", "title": "提取金额（元）", "minimum": 0},
            "account": ACCOUNT,
        },
    },
    "JT-004": {
        "title": "长者优惠乘车卡申请",
        "required": ["collect", "phone"],
        "properties": {
            "collect": {"type": "string", "title": "领卡方式", "enum": ["羊城通服务网点领取", "邮寄到家（邮费到付）"]},
            "mail_address": MAIL_ADDRESS,
            "phone": PHONE,
        },
    },
    "MZ-006": {
        "title": "最低生活保障申请表",
        "required": ["applicant", "members", "monthly_income"],
        "properties": {
            "applicant": {"type": "string", "title": "申请人姓名"},
            "members": {"type": "integer", "title": "家庭人口数", "minimum": 1},
            "monthly_income": {"type": "number", "title": "家庭月收入（元）", "minimum": 0},
            "reason": {"type": "string", "title": "申请理由"},
        },
    },
    "RS-006": {
        "title": "退休申请表",
        "required": ["name", "retire_date"],
        "properties": {
            "name": {"type": "string", "title": "姓名"},
            "retire_date": {"type": "string", "title": "申请退休日期", "format": "date"},
            "special_job": {"type": "boolean", "title": "是否从事特殊工种"},
        },
    },
    "JY-001": {
        "title": "义务教育入学申请表",
        "required": ["child_name", "grade", "address"],
        "properties": {
            "child_name": {"type": "string", "title": "学生姓名"},
            "grade": {"type": "string", "title": "申请学段", "enum": ["小学一年级", "初中一年级"]},
            "address": {"type": "string", "title": "居住地址"},
        },
    },
    "GJJ-002": {
        "title": "住房公积金提取申请表（租房）",
        "required": ["amount", "account"],
        "properties": {
            "rental_address": {"type": "string", "title": "租赁房屋地址", "maxLength": 100},
            "monthly_rent": {"type": "number", "title": "月租金（元）", "minimum": 0},
            "amount": {"type": "number", "title": "提取金额（元）", "minimum": 0},
            "account": {"type": "string", "title": "收款银行账号"},
        },
    },
}

VISIT_REASONS = {
    "photo": "需现场采集人像和指纹",
    "default": "需核验原件或现场确认",
}
# item code -> its own reason for the visit, where the default does not say why (fingerprints are
# taken only for 居民身份证 and the exit-entry documents: no one fingerprints a pensioner's bus pass)
ITEM_VISIT_REASONS = {
    "WJ-004": "首次接种时到接种单位核对接种信息、领取预防接种证",
    "GA-020": "需本人到考场参加考试",
    "WJ-006": "需本人到场核验医师资格证书原件",
    "WJ-009": "需本人到体检机构现场体检",
    "MZ-001": "需男女双方本人共同到婚姻登记处现场办理",
    "MZ-003": "需本人到婚姻登记处现场办理",
    "MZ-010": "需本人到指定医疗机构进行残疾评定",
    "MZ-011": "需本人到残联服务窗口核验身份并领证",
    "MZ-019": "需男女双方本人共同到婚姻登记处现场办理",
    "JY-004": "需本人到认定机构现场确认信息",
    "JT-004": "需本人到羊城通服务网点核验身份、领取长者卡（选择邮寄的除外）",
}

# item code -> 设定依据, printed on the decision documents (办理结果文书)
LEGAL_BASIS = {
    "GA-003": "《中华人民共和国居民身份证法》第十一条",
    "GA-004": "《中华人民共和国居民身份证法》第十一条",
    "GA-013": "《居住证暂行条例》第九条",
    "GA-014": "《中华人民共和国护照法》第五条",
    "GA-015": "《中华人民共和国出境入境管理法》第十条；《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》",
    "GA-025": "《印铸刻字业暂行管理规则》；《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号）",
    "SJ-001": "《中华人民共和国市场主体登记管理条例》第三条；《中华人民共和国公司法》第二十九条",
    "SJ-002": "《促进个体工商户发展条例》第七条；《中华人民共和国市场主体登记管理条例》第三条",
    "THSJ-001": "《促进个体工商户发展条例》第七条；《中华人民共和国市场主体登记管理条例》第三条",
    "SJ-007": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
    "THSJ-002": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
    "YB-001": "《中华人民共和国社会保险法》第二十五条",
    "YB-002": "《中华人民共和国社会保险法》第二十五条",
    "YB-005": "《中华人民共和国社会保险法》第二十九条；《关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）",
    "RS-011": "《中华人民共和国社会保险法》第四十五条；《失业保险条例》第十四条",
    "RS-020": "《中华人民共和国社会保险法》第七十四条",
    "SW-004": "《中华人民共和国个人所得税法》第十一条",
    "MZ-001": "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》",
    "GJJ-001": "《住房公积金管理条例》第二十四条",
    "GJJ-002": "《住房公积金管理条例》第二十四条",
    "JT-004": "《中华人民共和国老年人权益保障法》第五十七条；《广东省老年人权益保障条例》",
    "JY-001": "《中华人民共和国义务教育法》第十二条",
    "RS-006": "《国务院关于工人退休、退职的暂行办法》；《中华人民共和国社会保险法》第十六条",
    "MZ-006": "《社会救助暂行办法》第九条",
}


def _department_codes() -> dict[str, tuple[str, str, str, str]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    os.environ.setdefault("TONGBAN_DATA_DIR", tempfile.mkdtemp())
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from tongban.demo.codes import credit_code
    from tongban.demo.orgs import DEPARTMENTS

    by_serial = {s: (credit_code("11", r, s), n, r, p) for s, n, _short, r, p in DEPARTMENTS}
    return {key: by_serial[serial] for key, serial in DEPTS.items()}


def _material(key: str) -> dict[str, Any]:
    optional = key.endswith("?")
    name, form, source, cert = M[key.rstrip("?")]
    out: dict[str, Any] = {"name": name, "required": not optional, "form": form, "copies": 1, "source": source}
    if cert:
        out["certificate_type"] = cert
    return out


def build() -> list[dict[str, Any]]:
    depts = _department_codes()
    lines: list[dict[str, Any]] = []
    for code, name, region, phone in depts.values():
        lines.append({"type": "department", "code": code, "name": name, "region": region, "phone": phone})
    for code, name, audience, phrase in THEMES:
        lines.append({"type": "theme", "code": code, "name": name, "audience": audience, "phrase": phrase})
    counters: dict[str, int] = {}
    for row in ITEMS.strip().splitlines():
        (dkey, kind, name, aliases, summary, timing, depth, visits, mats, themes, aud, fee, result, pop) = row.split(
            "|"
        )
        counters[dkey] = counters.get(dkey, 0) + 1
        dept_code, _dn, region, _phone = depts[dkey]
        code = f"{dkey}-{counters[dkey]:03d}"
        item: dict[str, Any] = {
            "type": "item",
            "code": code,
            "base_code": f"4401{DEPTS[dkey]:02d}{counters[dkey]:06d}",
            "name": name,
            "aliases": [a for a in aliases.split("、") if a],
            "kind": kind,
            "department": dept_code,
            "region": region,
            "audience": {"p": ["person"], "l": ["legal_person"], "pl": ["person", "legal_person"]}[aud],
            "themes": [t for t in themes.split(",") if t],
            "summary": summary,
        }
        if code in LEGAL_BASIS:
            item["legal_basis"] = LEGAL_BASIS[code]
        if timing == "i":
            item.update(handling="instant", statutory_days=0, committed_days=0)
        else:
            committed, statutory = (int(x) for x in timing[1:].split("/"))
            assert committed <= statutory, name
            item.update(handling="committed", statutory_days=statutory, committed_days=committed)
        item["online_depth"] = int(depth)
        item["max_visits"] = int(visits)
        assert not (item["online_depth"] == 4 and item["max_visits"] > 0), name
        if item["max_visits"] > 0:
            item["visit_reason"] = (
                ITEM_VISIT_REASONS.get(code) or VISIT_REASONS["photo" if "photo" in mats else "default"]
            )
        item["scope"] = "city" if region == "440100" else "local"
        item["channels"] = ["web", "mobile", "window"] + (["kiosk"] if int(pop) > 500 else [])
        if fee:
            amount, basis = fee.split(":")
            item["fee"] = {"charged": amount != "0.00", "amount": amount, "basis": basis}
            if amount == "0.00":
                item["fee"] = {"charged": False}
        else:
            item["fee"] = {"charged": False}
        item["materials"] = [_material(k) for k in mats.split(",") if k]
        if code in FORMS:
            form = FORMS[code]
            item["form"] = {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "title": form["title"],
                "required": form["required"],
                "properties": form["properties"],
            }
        if result:
            rname, _sep, rtype = result.partition(":")
            item["result"] = {"name": rname, **({"certificate_type": rtype} if rtype else {})}
        item["popularity"] = int(pop)
        item["status"] = "active"
        lines.append(item)
    codes = {line["code"] for line in lines if line["type"] == "item"}
    depths = {line["code"]: line["online_depth"] for line in lines if line["type"] == "item"}
    for code, name, bundle_aliases, bundle_themes, items, summary, days in BUNDLES:
        assert all(i in codes for i in items), (code, [i for i in items if i not in codes])
        if code in ONLINE_BUNDLES:  # one online submission: every item accepted online (depth ≥ 3)
            assert all(depths[i] >= 3 for i in items), (code, [i for i in items if depths[i] < 3])
        lines.append(
            {
                "type": "bundle",
                "code": code,
                "name": name,
                "aliases": bundle_aliases,
                "themes": bundle_themes,
                "items": items,
                "summary": summary,
                "committed_days": days,
            }
        )
    return lines


def main() -> None:
    lines = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write("// 通办 demo catalogue (tongban-catalogue/1), generated by scripts/make_demo_catalogue.py\n")
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for line in lines:
        kinds[line["type"]] = kinds.get(line["type"], 0) + 1
    print(f"wrote {OUT.relative_to(ROOT)}: {kinds}")


if __name__ == "__main__":
    main()
