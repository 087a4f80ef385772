"""The text of the demo courses: three short courses a commune cadre could really take.

Each lesson body is a list of StreamField blocks (see ``courses.blocks``) as Wagtail stores them.
"""


def paragraph(html):
    return {"type": "paragraph", "value": html}


def callout(kind, title, text):
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": text}}


def steps(title, *items):
    return {
        "type": "steps",
        "value": {
            "title": title,
            "steps": [{"title": step, "text": f"<p>{text}</p>", "image": None} for step, text in items],
        },
    }


def lesson(slug, title, body, *, required=True, min_reading_minutes=None):
    return {
        "slug": slug,
        "title": title,
        "required": required,
        "min_reading_minutes": min_reading_minutes,
        "body": body,
    }


BASIC_SKILLS = {
    "slug": "ky-nang-so-co-ban",
    "title": "Kỹ năng số cơ bản cho cán bộ Mặt trận",
    "summary": (
        "Dùng điện thoại thông minh, tìm kiếm thông tin chính thống, làm việc với tệp và nhóm Zalo "
        "trong công tác Mặt trận hằng ngày."
    ),
    "estimated_hours": "2",
    "competences": ["1.1", "1.2", "2.1", "2.2"],
    "audience": [],
    "enrolment_mode": "open",
    "prerequisites": [],
    "lessons": [
        lesson(
            "dien-thoai-thong-minh",
            "Làm quen với điện thoại thông minh",
            [
                paragraph(
                    "<p>Điện thoại thông minh là công cụ làm việc chính của cán bộ ở cơ sở: nhận văn bản, "
                    "liên lạc với Nhân dân, chụp ảnh hoạt động và học trực tuyến.</p>"
                ),
                steps(
                    "Cài đặt cần làm ngay",
                    ("Đặt mã khóa màn hình", "Vào <b>Cài đặt → Bảo mật</b>, chọn mã PIN từ 6 số trở lên."),
                    ("Bật cập nhật tự động", "Cập nhật giúp vá các lỗ hổng bảo mật của máy và ứng dụng."),
                    ("Sao lưu danh bạ", "Đồng bộ danh bạ với tài khoản Google hoặc iCloud để không bị mất."),
                ),
                callout("tip", "Mẹo", "<p>Tăng cỡ chữ trong <b>Cài đặt → Màn hình</b> nếu chữ quá nhỏ.</p>"),
            ],
        ),
        lesson(
            "tim-kiem-thong-tin",
            "Tìm kiếm và đánh giá thông tin trên mạng",
            [
                paragraph(
                    "<p>Khi tìm văn bản, chính sách, hãy ưu tiên các trang có tên miền <b>.gov.vn</b> và trang "
                    "của Mặt trận Tổ quốc Việt Nam.</p>"
                ),
                steps(
                    "Kiểm tra một tin trước khi chia sẻ",
                    ("Xem nguồn đăng", "Tin có ghi rõ cơ quan, tác giả, ngày đăng không?"),
                    ("Đối chiếu", "Tìm cùng nội dung trên ít nhất một trang chính thống khác."),
                    ("Xem ngày", "Tin cũ thường bị đăng lại như tin mới."),
                ),
                callout(
                    "warning",
                    "Cẩn thận",
                    "<p>Không chia sẻ tin chưa kiểm chứng vào các nhóm của khu dân cư.</p>",
                ),
            ],
        ),
        lesson(
            "lam-viec-voi-tep",
            "Làm việc với tệp văn bản và hình ảnh",
            [
                paragraph("<p>Biết mở, đổi tên, nén và gửi tệp giúp báo cáo nhanh hơn, không phải in và chụp lại.</p>"),
                steps(
                    "Gửi một báo cáo dạng PDF",
                    ("Mở tệp", "Mở văn bản trong ứng dụng soạn thảo trên điện thoại."),
                    ("Xuất PDF", "Chọn <b>Chia sẻ → Xuất PDF</b> để người nhận mở được trên mọi máy."),
                    ("Đặt tên rõ ràng", "Ví dụ: <i>Bao-cao-thang-11-KDC-so-1.pdf</i>."),
                ),
            ],
        ),
        lesson(
            "zalo-trong-cong-tac",
            "Dùng Zalo trong công tác Mặt trận",
            [
                paragraph(
                    "<p>Nhóm Zalo của khu dân cư giúp thông tin đến Nhân dân nhanh. Người quản trị nhóm cần giữ "
                    "nhóm đúng mục đích và văn minh.</p>"
                ),
                callout(
                    "note",
                    "Bài đọc thêm",
                    "<p>Bài này không bắt buộc để hoàn thành khóa học.</p>",
                ),
            ],
            required=False,
        ),
    ],
}

SAFETY = {
    "slug": "an-toan-thong-tin",
    "title": "An toàn thông tin và phòng chống lừa đảo trên mạng",
    "summary": (
        "Nhận biết các kiểu lừa đảo qua điện thoại và mạng xã hội, bảo vệ tài khoản và dữ liệu cá nhân, "
        "hướng dẫn Nhân dân cùng phòng tránh."
    ),
    "estimated_hours": "1.5",
    "competences": ["4.1", "4.2", "2.5"],
    "audience": [],
    "enrolment_mode": "open",
    "prerequisites": [],
    "lessons": [
        lesson(
            "nhan-biet-lua-dao",
            "Nhận biết các kiểu lừa đảo thường gặp",
            [
                paragraph(
                    "<p>Kẻ gian thường giả danh công an, ngân hàng, nhân viên điện lực hoặc người thân để "
                    "yêu cầu chuyển tiền hay đọc mã OTP.</p>"
                ),
                callout(
                    "warning",
                    "Dấu hiệu lừa đảo",
                    "<ul><li>Hối thúc, đe dọa</li><li>Đòi mã OTP hoặc mật khẩu</li>"
                    "<li>Gửi đường dẫn lạ để cài ứng dụng</li></ul>",
                ),
            ],
            min_reading_minutes=1,
        ),
        lesson(
            "bao-ve-tai-khoan",
            "Bảo vệ tài khoản và mật khẩu",
            [
                steps(
                    "Bật xác thực hai lớp cho Zalo và email",
                    ("Mở cài đặt tài khoản", "Tìm mục <b>Bảo mật</b> hoặc <b>Tài khoản và bảo mật</b>."),
                    ("Bật xác thực hai lớp", "Mỗi lần đăng nhập trên máy lạ sẽ cần thêm mã xác nhận."),
                    ("Ghi lại mã dự phòng", "Cất ở nơi an toàn, không chụp ảnh gửi qua mạng."),
                ),
                callout("tip", "Mật khẩu tốt", "<p>Dài từ 12 ký tự, mỗi tài khoản một mật khẩu khác nhau.</p>"),
            ],
        ),
        lesson(
            "du-lieu-ca-nhan",
            "Bảo vệ dữ liệu cá nhân của Nhân dân",
            [
                paragraph(
                    "<p>Cán bộ Mặt trận giữ nhiều thông tin của Nhân dân: họ tên, số điện thoại, hoàn cảnh gia "
                    "đình. Theo quy định về bảo vệ dữ liệu cá nhân, chỉ dùng thông tin đúng mục đích đã thu thập.</p>"
                ),
                callout(
                    "warning",
                    "Không làm",
                    "<p>Không đăng danh sách có số điện thoại, số định danh lên nhóm công khai.</p>",
                ),
            ],
        ),
        lesson(
            "huong-dan-nhan-dan",
            "Hướng dẫn Nhân dân phòng tránh lừa đảo",
            [
                paragraph(
                    "<p>Ở buổi sinh hoạt khu dân cư, dành vài phút kể một vụ lừa đảo có thật gần đây và "
                    "nhắc ba điều: không chuyển tiền vội, không đọc mã OTP, gọi lại cho người thân để kiểm tra.</p>"
                ),
            ],
        ),
    ],
}

DIGITAL_SIGNATURE = {
    "slug": "chu-ky-so-va-quan-ly-van-ban",
    "title": "Sử dụng chữ ký số và phần mềm quản lý văn bản",
    "summary": (
        "Ký số văn bản trên máy tính và điện thoại, tiếp nhận và xử lý văn bản điện tử trên phần mềm "
        "quản lý văn bản của cơ quan."
    ),
    "estimated_hours": "3",
    "competences": ["1.3", "2.1", "4.2", "5.1"],
    "audience": ["chuyen-trach"],
    "enrolment_mode": "assigned",
    "prerequisites": ["ky-nang-so-co-ban"],
    "lessons": [
        lesson(
            "chu-ky-so-la-gi",
            "Chữ ký số là gì",
            [
                paragraph(
                    "<p>Chữ ký số có giá trị pháp lý như chữ ký tay và con dấu trên văn bản điện tử. Mỗi cán bộ "
                    "được cấp chứng thư số cá nhân để ký văn bản của mình.</p>"
                ),
            ],
        ),
        lesson(
            "ky-so-tren-dien-thoai",
            "Ký số trên điện thoại",
            [
                steps(
                    "Ký một văn bản",
                    ("Mở văn bản cần ký", "Trong phần mềm quản lý văn bản, chọn văn bản ở mục <b>Chờ ký</b>."),
                    ("Chọn vị trí ký", "Kéo khung chữ ký đến đúng chỗ trên trang cuối."),
                    ("Xác nhận", "Nhập mã PIN của chứng thư số. Không đưa mã PIN cho người khác."),
                ),
            ],
        ),
        lesson(
            "tiep-nhan-van-ban-den",
            "Tiếp nhận và xử lý văn bản đến",
            [
                paragraph(
                    "<p>Văn bản đến được vào sổ, chuyển người xử lý và theo dõi hạn giải quyết ngay trên phần "
                    "mềm; không cần in ra giấy.</p>"
                ),
                callout("tip", "Mẹo", "<p>Bật thông báo của phần mềm để không bỏ sót văn bản có hạn.</p>"),
            ],
        ),
        lesson(
            "luu-tru-van-ban-dien-tu",
            "Lưu trữ văn bản điện tử",
            [
                paragraph(
                    "<p>Văn bản đã ký số là bản gốc. Lưu theo hồ sơ công việc, đặt tên thống nhất để tìm lại "
                    "nhanh khi cần.</p>"
                ),
            ],
        ),
    ],
}

COURSES = [BASIC_SKILLS, SAFETY, DIGITAL_SIGNATURE]
